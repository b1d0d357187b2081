"""Load a national-scale dataset into the configured database (run by service_bench).

200 Compacts, each with the shipped editions; 50,000 organisations; 1,000,000 funding
records (agreements and changes); 100,000 consultations; and their findings, computed by
the core's checks exactly as the service computes them, inserted in bulk.
"""

from __future__ import annotations

import random
import sys
from datetime import date

import django

django.setup()

from django.db import transaction  # noqa: E402

from benchmarks.generate import agreement, change, consultation  # noqa: E402
from compactwatch.changes.editions import install_shipped_compact  # noqa: E402
from compactwatch.compact.engine import check_record  # noqa: E402
from compactwatch.compact.records import read_mapping  # noqa: E402
from compactwatch.compacts.editions import editions_of  # noqa: E402
from compactwatch.findings.models import Finding  # noqa: E402
from compactwatch.guard import way_in  # noqa: E402
from compactwatch.organisations.models import Organisation  # noqa: E402
from compactwatch.records.models import Consultation, FundingAgreement, FundingChange  # noqa: E402

AS_OF = date(2026, 1, 1)


class Known:
    """Organisations and agreements by id, in memory: a benchmark's data loads in bulk,
    beside the use cases (which check, audit and lock one record at a time)."""

    def __init__(self, organisations, agreements):
        self.organisations, self.agreements = organisations, agreements

    def organisation(self, value):
        return self.organisations.get(value)

    def agreement(self, value):
        return self.agreements.get(value)


def load(scale: float) -> None:
    compacts = max(1, round(200 * scale))
    organisations = round(50_000 * scale / compacts)
    agreements = round(600_000 * scale / compacts)
    changes = round(400_000 * scale / compacts)
    consultations = round(100_000 * scale / compacts)
    rng = random.Random(7)
    template = install_shipped_compact()
    documents = [(row.slug, row.document, row.in_force_from) for row in template.editions.all()]
    for number in range(compacts):
        with transaction.atomic(), way_in():
            compact = (
                template
                if number == 0
                else type(template).objects.create(
                    slug=f"area-{number}", name=f"Compact of area {number}", area=f"Area {number}"
                )
            )
            for slug, document, in_force in documents:
                if number:
                    compact.editions.create(slug=slug, document=document, in_force_from=in_force)
            orgs = Organisation.objects.bulk_create([
                Organisation(compact=compact, ref=f"o{i}", name=f"Organisation {i} of area {number}",
                             sector="public" if i % 5 == 0 else "voluntary",
                             kind="local_authority" if i % 5 == 0 else "charity")
                for i in range(organisations)
            ])  # fmt: skip
            known = Known({org.ref: org for org in orgs}, {})
            rows = {
                "consultations": [
                    consultation(rng, i, organisations) for i in range(consultations)
                ],
                "funding_agreements": [agreement(rng, i, organisations) for i in range(agreements)],
            }
            rows["funding_changes"] = [change(rng, i, agreements) for i in range(changes)]
            records = read_mapping(rows, f"area-{number}")
            items = {"consultations": [], "funding_agreements": [], "funding_changes": []}
            for row in records.consultations:
                values = Consultation.values_from_record(row, known)
                items["consultations"].append(
                    Consultation(compact=compact, ref=row["id"], **values)
                )
            for row in records.funding_agreements:
                values = FundingAgreement.values_from_record(row, known)
                items["funding_agreements"].append(
                    FundingAgreement(compact=compact, ref=row["id"], **values)
                )
            Consultation.objects.bulk_create(items["consultations"], batch_size=2000)
            FundingAgreement.objects.bulk_create(items["funding_agreements"], batch_size=2000)
            known.agreements = {item.ref: item for item in items["funding_agreements"]}
            for row in records.funding_changes:
                values = FundingChange.values_from_record(row, known)
                items["funding_changes"].append(
                    FundingChange(compact=compact, ref=row["id"], **values)
                )
            FundingChange.objects.bulk_create(items["funding_changes"], batch_size=2000)
            editions = editions_of(compact)
            findings = []
            links = {
                "consultations": "consultation",
                "funding_agreements": "agreement",
                "funding_changes": "change",
            }
            for section, made in items.items():
                for item, row in zip(made, records.section(section), strict=True):
                    body = item.body()
                    key = item.key_date()
                    for finding in check_record(section, row, editions, AS_OF):
                        findings.append(Finding(
                            compact=compact, record_type=finding.record_type, record_ref=finding.record,
                            body=body, edition=finding.commitment.split("/")[0], commitment=finding.commitment,
                            status=finding.status.value, strength=finding.strength, message=finding.message,
                            year=key.year if key else None, computed_on=AS_OF, **{links[section]: item}))  # fmt: skip
            Finding.objects.bulk_create(findings, batch_size=5000)
            del orgs
        print(f"compact {number + 1}/{compacts} loaded", file=sys.stderr, flush=True)


if __name__ == "__main__":
    load(float(sys.argv[1]))
