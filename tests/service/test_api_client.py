"""A client generated from the API's description (openapi-python-client) parses every response
of every operation, for every role: the app on a real server, the client made afresh from the
description it serves. A response the description does not foresee fails the test."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from datetime import date
from io import BytesIO
from typing import Any
from urllib.request import urlopen

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from rest_framework.authtoken.models import Token
from service_fixtures import PASSWORD, save_record

from compactwatch.records.models import Consultation, FundingAgreement, FundingChange

PACKAGE = "compactwatch_api_client"
SLUG = "cambridgeshire"
ROLES = ("officer", "council_member", "group_member", "anonymous")
USERNAMES = {"officer": "officer", "council_member": "council", "group_member": "group"}
COUNCIL, FORUM = "cambridgeshire-county-council", "hunts-forum"

# Each kind of record: the one stored before the test, a new one as a request sends it (its
# last field left out when it is replaced, so that the replacement changes it), and a change
# that the core reader refuses.
RECORDS: dict[str, tuple[str, Any, dict[str, Any]]] = {
    "consultations": (
        "c-1",
        lambda ref: {"id": ref, "organisation": COUNCIL, "title": "Budget", "opens": "2016-01-04",
                     "closes": "2016-03-28", "formal": True, "feedback_published": False},
        {"opens": "2016-02-30"},
    ),
    "funding_agreements": (
        "g-1",
        lambda ref: {"id": ref, "funder": COUNCIL, "recipient": FORUM, "kind": "grant",
                     "amount": 2500.5, "award_date": "2016-03-01", "decision_rationale": False,
                     "monitoring_agreed": "2016-02-01"},
        {"amount": -1},
    ),
    "funding_changes": (
        "n-1",
        lambda ref: {"id": ref, "agreement": "g-1", "change": "reduce", "notice_given":
                     "2017-01-01", "effective": "2017-06-01", "in_writing": True,
                     "rationale": "Budget", "impact_assessed": False},
        {"change": "double"},
    ),
}  # fmt: skip


@pytest.fixture
def generated(live_server, tmp_path):
    """The client package generated from the served description, imported."""
    with urlopen(f"{live_server.url}/api/v1/schema/?format=json") as response:
        document = json.load(response)
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")  # no formatter run on the code
    generate = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none",
                "--path", tmp_path / "openapi.json", "--config", tmp_path / "config.yaml",
                "--output-path", tmp_path / PACKAGE, "--fail-on-warning"]  # fmt: skip
    result = subprocess.run(generate, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        for part in ("api", "models", "types"):
            importlib.import_module(f"{PACKAGE}.{part}")
        yield importlib.import_module(PACKAGE), document
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


class Caller:
    """Calls an operation of the generated client as a role and checks what comes back:
    a documented status, parsed into the model the description names, the body valid
    against the description and the headers it promises present."""

    def __init__(self, package, document, base_url: str, tokens: dict[str, str]):
        self.package, self.document = package, document
        self.operations = {
            name.rsplit(".", 1)[1]: importlib.import_module(name)
            for _, name, is_package in pkgutil.walk_packages(
                package.api.__path__, f"{PACKAGE}.api."
            )
            if not is_package
        }
        self.described = {
            operation["operationId"]: operation
            for path in document["paths"].values()
            for operation in path.values()
        }
        self.clients = {"anonymous": package.Client(base_url, raise_on_unexpected_status=True)}
        for role, key in tokens.items():
            self.clients[role] = package.AuthenticatedClient(
                base_url, token=key, prefix="Token", raise_on_unexpected_status=True
            )
        self.called: dict[str, set[str]] = {name: set() for name in self.operations}
        self.statuses: set[tuple[str, int]] = set()

    def __call__(self, role: str, operation: str, **arguments: Any):
        response = self.operations[operation].sync_detailed(client=self.clients[role], **arguments)
        status = int(response.status_code)
        described = self.described[operation]["responses"][str(status)]
        content = described.get("content", {}).get("application/json")
        if content is None:
            assert response.parsed is None and response.content == b"", (operation, status)
        else:
            self._check_parsed(operation, status, response.parsed, content["schema"])
            validator = OAS30Validator(
                {**content["schema"], "components": self.document["components"]},
                format_checker=oas30_format_checker,
            )
            body = json.loads(response.content)
            problems = [error.message for error in validator.iter_errors(body)]
            assert not problems, (operation, status, problems)
        for header, promised in described.get("headers", {}).items():
            assert not promised.get("required") or header in response.headers, (operation, header)
        self.called[operation].add(role)
        self.statuses.add((operation, status))
        return response

    def close(self) -> None:
        # Kept-alive connections hold a server thread, and its database connection, open.
        for client in self.clients.values():
            client.get_httpx_client().close()

    def _check_parsed(self, operation: str, status: int, parsed: Any, schema: dict) -> None:
        if "$ref" in schema:
            model = getattr(self.package.models, schema["$ref"].rsplit("/", 1)[1])
            assert isinstance(parsed, model), (operation, status, parsed)
        else:  # a list of one model
            model = getattr(self.package.models, schema["items"]["$ref"].rsplit("/", 1)[1])
            assert isinstance(parsed, list), (operation, status, parsed)
            assert all(isinstance(item, model) for item in parsed), (operation, status)


@pytest.fixture
def stored(compact, officer):
    council = compact.organisations.get(ref=COUNCIL)
    save_record(Consultation(compact=compact, ref="c-1", organisation=council, title="Plan",
                             opens=date(2016, 1, 4)), officer)  # fmt: skip
    agreement = save_record(FundingAgreement(compact=compact, ref="g-1", funder=council,
                                             amount=1500, award_date=date(2016, 3, 1)), officer)  # fmt: skip
    save_record(FundingChange(compact=compact, ref="n-1", agreement=agreement, change="end",
                              notice_given=date(2017, 1, 1)), officer)  # fmt: skip


def test_a_generated_client_parses_every_response_for_every_role(
    generated, live_server, stored, officer, council_member, group_member, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000  # so that a body too large is cheap to send
    package, document = generated
    models = package.models
    users = {"officer": officer, "council_member": council_member, "group_member": group_member}
    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    call = Caller(package, document, live_server.url, tokens)
    try:
        check_every_operation(call, models, package.types.File)
    finally:
        call.close()
    assert call.called == {name: set(ROLES) for name in call.operations}  # every operation
    assert {operation for operation, _ in call.statuses} == set(call.described)
    # Among them, these answers (each one parsed as its status's model):
    for operation, status in [("consultations_create", 201), ("consultations_create", 400),
                              ("consultations_create", 401), ("consultations_create", 403),
                              ("consultations_create", 409), ("consultations_create", 413),
                              ("funding_agreements_update", 200),
                              ("funding_agreements_partial_update", 412),
                              ("funding_changes_destroy", 204), ("funding_changes_destroy", 412),
                              ("funding_changes_retrieve", 404), ("import_create", 202),
                              ("import_cancel", 200), ("imports_list", 403),
                              ("token_create", 200), ("token_create", 400),
                              ("token_create", 429)]:  # fmt: skip
        assert (operation, status) in call.statuses, (operation, status)


def check_every_operation(call: Caller, models, File) -> None:
    job = None
    for role in ROLES:
        # The Compact, its editions, register and figures.
        call(role, "compacts_list", limit=1)
        call(role, "compact_retrieve", slug=SLUG)
        call(role, "compact_retrieve", slug="nowhere")
        call(role, "edition_retrieve", slug=SLUG, edition="cambridgeshire-refreshed")
        call(role, "edition_retrieve", slug=SLUG, edition="nothing")
        call(role, "organisations_list", slug=SLUG, limit=500)
        call(role, "figures_list", slug=SLUG, year=2016, body=COUNCIL)
        call(role, "figures_list", slug="nowhere")

        # Records: list, read, create (and again, and wrongly), replace, change from an old
        # version, delete from an old version and from the current one.
        for kind, (existing, new, wrong) in RECORDS.items():
            name = "".join(part.title() for part in kind.rstrip("s").split("_"))
            request = getattr(models, f"{name}Request").from_dict
            patched = getattr(models, f"Patched{name}Request").from_dict
            call(role, f"{kind}_list", slug=SLUG, limit=2)
            call(role, f"{kind}_retrieve", slug=SLUG, ref=existing)
            call(role, f"{kind}_retrieve", slug=SLUG, ref="no/such")
            ref = f"{role}-1"
            created = call(role, f"{kind}_create", slug=SLUG, body=request(new(ref)))
            call(role, f"{kind}_create", slug=SLUG, body=request(new(ref)))
            call(role, f"{kind}_create", slug=SLUG, body=request({**new(f"{role}-2"), **wrong}))
            call(role, f"{kind}_create", slug=SLUG, body=request({"id": "x" * 200_000}))
            target = ref if created.status_code == 201 else existing
            read = created.headers.get("ETag", '"1"')
            replacement = dict(list(new(target).items())[:-1])
            replaced = call(
                role, f"{kind}_update", slug=SLUG, ref=target, body=request(replacement),
                if_match=read,
            )  # fmt: skip
            call(role, f"{kind}_update", slug=SLUG, ref=target, body=request(wrong))
            call(role, f"{kind}_partial_update", slug=SLUG, ref=target, body=patched({}),
                 if_match=read)  # fmt: skip
            call(role, f"{kind}_partial_update", slug=SLUG, ref="none", body=patched({}))
            call(role, f"{kind}_destroy", slug=SLUG, ref=target, if_match=read)
            call(role, f"{kind}_destroy", slug=SLUG, ref=target,
                 if_match=replaced.headers.get("ETag", "*"))  # fmt: skip

        # 360Giving imports: the officer's alone.
        upload = File(payload=BytesIO(b'{"grants": []}'), file_name="grants.json")
        queued = call(role, "import_create", slug=SLUG, body=models.ImportUploadRequest(upload))
        not_a_file = File(payload=BytesIO(b"grants"), file_name="grants.txt")
        call(role, "import_create", slug=SLUG, body=models.ImportUploadRequest(not_a_file))
        job = job or queued.parsed.id
        call(role, "imports_list", slug=SLUG)
        call(role, "import_retrieve", slug=SLUG, id=job)
        call(role, "import_retrieve", slug=SLUG, id=job + 1000)
        call(role, "import_cancel", slug=SLUG, id=job)

        # Disagreements: raise one (Hunts Forum's member with the council), list, read, step.
        raise_it = models.CaseCreateRequest.from_dict
        concern = {"other_party": COUNCIL, "commitments": ["cambridgeshire-refreshed/4.5"],
                   "what_happened": "Four weeks' notice.", "wanted": "Three months' notice."}  # fmt: skip
        raised = call(role, "cases_create", slug=SLUG, body=raise_it(concern))
        call(role, "cases_create", slug=SLUG, body=raise_it({**concern, "commitments": ["x/1"]}))
        call(role, "cases_list", slug=SLUG)
        case = raised.parsed.id if raised.status_code == 201 else "D-2026-999"
        call(role, "case_retrieve", slug=SLUG, ref=case)
        note = models.StepInRequest.from_dict({"kind": "note", "text": "We have talked."})
        call(role, "case_step_create", slug=SLUG, ref=case, body=note)
        call(role, "case_step_create", slug=SLUG, ref=case,
             body=models.StepInRequest.from_dict({"kind": "extend", "days": 99}))  # fmt: skip

        # Is the Compact working? and the open data, public.
        call(role, "indicators_list", slug=SLUG, year=2016)
        call(role, "indicators_list", slug=SLUG, body="nobody")
        call(role, "open_data_tables", slug=SLUG)
        call(role, "open_data_rows", slug=SLUG, table="register")
        call(role, "open_data_rows", slug=SLUG, table="nothing")

        # A token for a username and password.
        username = USERNAMES.get(role, "nobody")
        call(role, "token_create", body=models.CredentialsRequest(username, PASSWORD))
        call(role, "token_create", body=models.CredentialsRequest(username, "wrong"))
    for _ in range(5):  # until sign-ins are locked out
        call("anonymous", "token_create", body=models.CredentialsRequest("nobody", "wrong"))
