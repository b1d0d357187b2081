"""Web pages. Public pages first, then those for partners, then the Compact officer's."""

from django.urls import path

from compactwatch.web.views import (
    accounts,
    action_plan,
    agreements,
    case_calendar,
    case_page,
    case_route_page,
    cases,
    edition_drafts,
    edition_files,
    formats,
    home,
    imports,
    indicators,
    joining,
    manage,
    open_data,
    people,
    public,
    records,
    reports,
    review,
    search,
)

app_name = "web"

compact = "compacts/<slug:compact>/"
urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", accounts.SignInView.as_view(), name="login"),
    path("accounts/logout/", accounts.SignOutView.as_view(), name="logout"),
    path("accounts/login/code/", accounts.sign_in_code, name="sign_in_code"),
    path("accounts/", accounts.account, name="account"),
    path("accounts/two-factor/", accounts.two_factor_page, name="two_factor"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/changed/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Public: the Compact's text, its register and each body's figures.
    path(compact, public.compact, name="compact"),
    path(compact + "editions/compare/", public.compare_editions, name="compare"),
    path(compact + "editions/<slug:edition>/", public.edition, name="edition"),
    path(compact + "register/", public.register, name="register"),
    path(compact + "known-from-data/", public.known_from_data, name="known_from_data"),
    path(compact + "register/<slug:ref>/", public.organisation, name="organisation"),
    path(compact + "figures/", public.figures, name="figures"),
    # The annual report (issue 14) and the open data download.
    path(compact + "reports/", reports.report_list, name="reports"),
    path(compact + "reports/<int:year>/", reports.annual, name="annual_report"),
    path(compact + "reports/<int:year>/pdf/", reports.annual_pdf, name="annual_report_pdf"),
    path(
        compact + "reports/<int:year>/responses/<slug:ref>/",
        reports.response_form,
        name="report_response",
    ),
    path(compact + "manage/reports/<int:year>/", reports.manage, name="annual_report_manage"),
    path(compact + "open-data/", open_data.page, name="open_data"),
    path(compact + "open-data/download/", open_data.download, name="open_data_download"),
    path(compact + "open-data/README.md", open_data.readme, name="open_data_readme"),
    path(compact + "manage/open-data/", open_data.manage, name="open_data_manage"),
    path(compact + "indicators/", indicators.indicators, name="indicators"),
    path(compact + "plan/", public.plan, name="plan"),
    # The action plan and the annual review (2007 edition, 5.2): public to read; the officer
    # changes them, a partner's members note progress on its own items.
    path(compact + "action-plan/", action_plan.plan_now, name="action_plan_now"),
    path(compact + "action-plan/<int:year>/", action_plan.plan_page, name="action_plan"),
    path(compact + "action-plan/<int:year>/new/", action_plan.item_new, name="action_item_new"),
    path(
        compact + "action-plan/<int:year>/<int:number>/",
        action_plan.item_page,
        name="action_item",
    ),
    path(
        compact + "action-plan/<int:year>/<int:number>/change/",
        action_plan.item_edit,
        name="action_item_edit",
    ),
    path(compact + "annual-review/", review.review_now, name="annual_review_now"),
    path(compact + "annual-review/<int:year>/", review.review_page, name="annual_review"),
    path(
        compact + "annual-review/<int:year>/meeting/",
        review.meeting_form,
        name="annual_review_meeting",
    ),
    path(compact + "annual-review/<int:year>/carry/", review.carry, name="annual_review_carry"),
    path(
        compact + "annual-review/<int:year>/work-programme/new/",
        review.work_new,
        name="work_item_new",
    ),
    path(
        compact + "annual-review/<int:year>/work-programme/<int:number>/",
        review.work_edit,
        name="work_item_edit",
    ),
    path(compact + "join/", joining.join, name="join"),
    path(compact + "join/check/", joining.join_check, name="join_check"),
    path(compact + "join/sent/", joining.join_sent, name="join_sent"),
    # A partner's members: its own details, and leaving the Compact.
    path(compact + "your-organisation/<slug:ref>/", joining.details, name="partner_details"),
    path(compact + "your-organisation/<slug:ref>/leave/", joining.leave, name="partner_leave"),
    path(compact + "search/", search.compact_search, name="search"),
    # Disagreements (section 6): the public's form, a partner's, the lists and each case.
    path(compact + "concerns/", cases.public_concern, name="case_public"),
    path(compact + "concerns/sent/", cases.public_concern_sent, name="case_public_sent"),
    path(compact + "cases/", cases.case_list, name="cases"),
    path(compact + "cases/raise/", cases.raise_concern, name="case_raise"),
    path(
        compact + "cases/calendar/<int:user>/<str:token>.ics",
        case_calendar.deadlines_feed,
        name="case_calendar",
    ),
    path(compact + "cases/<str:ref>/", case_page.case_page, name="case"),
    path(compact + "cases/<str:ref>/documents/<int:pk>/", cases.document, name="case_document"),
    path(compact + "manage/concerns/", cases.waiting, name="case_waiting"),
    path(compact + "manage/route/", case_route_page.route_page, name="case_route"),
    # The records format explained, and template files to fill in.
    path("records-format/", formats.records_format, name="records_format"),
    path("records-format/<str:name>", formats.template_file, name="record_template"),
    # Partners and the officer: records, their findings, forms and uploads.
    path(compact + "records/", records.record_list, name="records"),
    path(compact + "records/upload/", records.upload, name="upload"),
    path(compact + "records/agreements/", agreements.agreement_search, name="agreement_search"),
    path(compact + "records/new/<str:record_type>/", records.record_create, name="record_create"),
    # A record's id may hold "/" (360Giving ids such as 360G-x-105177/Z/14/Z): it comes last.
    path(
        compact + "records/<str:record_type>/edit/<path:ref>/",
        records.record_edit,
        name="record_edit",
    ),
    path(compact + "records/<str:record_type>/<path:ref>/", records.record_detail, name="record"),
    # The Compact officer: editions' dates, the register, the audit trail.
    path(compact + "manage/editions/", manage.editions, name="manage_editions"),
    path(compact + "manage/editions/upload/", edition_files.upload, name="edition_upload"),
    # Drafting a new edition (compactwatch.web.views.edition_drafts).
    path(compact + "manage/editions/drafts/new/", edition_drafts.start, name="draft_start"),
    path(compact + "manage/editions/drafts/<int:pk>/", edition_drafts.overview, name="draft"),
    path(
        compact + "manage/editions/drafts/<int:pk>/commitments/new/",
        edition_drafts.add,
        name="draft_add",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/commitments/<str:ref>/",
        edition_drafts.commitment,
        name="draft_commitment",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/commitments/<str:ref>/remove/",
        edition_drafts.remove,
        name="draft_remove",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/preview/",
        edition_drafts.preview_page,
        name="draft_preview",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/consult/",
        edition_drafts.consult,
        name="draft_consult",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/adopt/",
        edition_drafts.adopt,
        name="draft_adopt",
    ),
    path(
        compact + "manage/editions/drafts/<int:pk>/abandon/",
        edition_drafts.abandon,
        name="draft_abandon",
    ),
    path(compact + "manage/register/new/", manage.organisation_create, name="organisation_create"),
    path(
        compact + "manage/register/<slug:ref>/", manage.organisation_edit, name="organisation_edit"
    ),
    path(compact + "manage/register/<slug:ref>/partner/", manage.partner, name="make_partner"),
    path(compact + "manage/joining/", joining.requests, name="join_requests"),
    path(compact + "manage/joining/<int:pk>/", joining.approve, name="join_approve"),
    path(compact + "manage/joining/<int:pk>/decline/", joining.decline, name="join_decline"),
    path(compact + "manage/audit/", manage.audit, name="audit"),
    path(compact + "manage/people/", people.people_list, name="people"),
    path(compact + "manage/people/invite/", people.invite_person, name="invite"),
    path(compact + "manage/people/<int:pk>/", people.person_page, name="person"),
    path(compact + "manage/imports/", imports.imports, name="imports"),
    path(compact + "manage/imports/<int:pk>/", imports.job, name="import"),
    path(compact + "manage/imports/<int:pk>/progress/", imports.progress, name="import_progress"),
    path(compact + "manage/imports/<int:pk>/cancel/", imports.cancel, name="import_cancel"),
    path(compact + "manage/imports/<int:pk>/failed/", imports.mark_failed, name="import_failed"),
    path(compact + "manage/imports/<int:pk>/undo/", imports.undo, name="import_undo"),
    path(compact + "manage/imports/<int:pk>/problems.csv", imports.problems, name="import_csv"),
]
