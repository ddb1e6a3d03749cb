"""A database error in the middle of a save: the user gets the portal's error page (templates/500.html, which
needs no database) and nothing of the save is written, whichever of its statements failed."""

import pytest
from django.db import DatabaseError, connection
from django.template import loader
from django.urls import reverse

from criteria.models import Assessment, CriterionResult, Indicator, IndicatorValue
from ntm_portal.models import ChangeRecord
from tests.personas import PASSWORD
from tests.sign_in import SignInClient

pytestmark = pytest.mark.django_db

YEAR = 2019  # QĐ 1980/2016: criterion 15 (health) is judged from indicators 15.1-15.3
ERROR_PAGE = "dữ liệu chưa được lưu"
WRITES = {"INSERT", "UPDATE", "DELETE", "COPY"}


class FailingWrite:
    """A `connection.execute_wrapper` that raises DatabaseError instead of running the `nth` write statement,
    after the writes before it went through; it counts them in `writes`. The session's own update after the
    response (SESSION_SAVE_EVERY_REQUEST) is not the save's: it is left alone."""

    def __init__(self, nth: int) -> None:
        self.nth = nth
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip().split(None, 1)[0].upper() in WRITES and '"django_session"' not in sql:
            self.writes += 1
            if self.writes == self.nth:
                raise DatabaseError("A write failed (test)")
        return execute(sql, params, many, context)


def signed_in(who: str) -> SignInClient:
    client = SignInClient(raise_request_exception=False)
    assert client.login(username=who, password=PASSWORD)
    return client


def field(code: str) -> str:
    return f"ind_{Indicator.objects.get(code=code, criterion__criteria_set__code='QD1980-2016').pk}"


def entry_url(unit) -> str:
    return reverse("criteria:entry", kwargs={"unit_id": unit.pk, "year": YEAR})


def snapshot():
    """Every row a save of results or a workflow step writes, as stored."""
    return (
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "version", "results_summary", "updated_at")),
        list(IndicatorValue.objects.order_by("pk").values_list("pk", "indicator", "number", "flag", "parts", "note")),
        list(CriterionResult.objects.order_by("pk").values_list("pk", "criterion", "is_met", "computed_is_met")),
        list(ChangeRecord.objects.order_by("pk").values_list("pk", "action", "target", "old_value", "new_value")),
    )


def assert_error_page(response) -> None:
    assert response.status_code == 500
    assert "500.html" in [template.name for template in response.templates]
    assert ERROR_PAGE in response.content.decode()


def test_a_database_error_at_any_write_of_the_entry_form_saves_nothing(world):
    """Failure: the entry form's save meets a database error at its 1st, 2nd, … write statement (values,
    results, assessment, history), each time after the writes before it went through. Expected: the error
    page, and the assessment, its values, results and history exactly as before; the same POST without the
    error saves."""
    client = signed_in("official_a")
    first = {"version": 0, field("15.1"): "70", field("15.3"): "13"}
    assert client.post(entry_url(world.commune_a), first).status_code == 302
    assessment = Assessment.objects.get()
    edit = {"version": assessment.version, field("15.1"): "87,6", field("15.2"): "true", field("15.3"): "20"}
    before = snapshot()

    failed = 0
    for nth in range(1, 50):
        failing = FailingWrite(nth)
        with connection.execute_wrapper(failing):
            response = client.post(entry_url(world.commune_a), edit)
        if failing.writes < nth:  # the save needs fewer writes: this time it went through
            break
        assert_error_page(response)
        assert snapshot() == before, f"write {nth} failed but the others were kept"
        failed += 1
    assert response.status_code == 302
    assert failed >= 4  # values, results, the assessment and its history were each tried
    assert snapshot() != before
    assert CriterionResult.objects.get(assessment=assessment, criterion__number=15).is_met is True


def test_a_database_error_in_a_workflow_step_keeps_the_status_and_the_history(world):
    """Failure: submitting the results meets a PostgreSQL error (a trigger refusing the history row) after the
    status was updated in the same transaction. Expected: the error page; the assessment still a draft at its
    version and no history row of the step."""
    client = signed_in("official_a")
    assert client.post(entry_url(world.commune_a), {"version": 0, field("15.3"): "13"}).status_code == 302
    assessment = Assessment.objects.get()
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION ntm_failure_test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'history refused (test)'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER ntm_failure_test_refuse BEFORE INSERT ON {ChangeRecord._meta.db_table} "
            "FOR EACH ROW EXECUTE FUNCTION ntm_failure_test_refuse()"
        )
    submit = reverse("criteria:transition", kwargs={"unit_id": world.commune_a.pk, "year": YEAR, "action": "submit"})
    response = client.post(submit, {"version": assessment.version, "comment": "", "confirm": "1"})
    assert_error_page(response)
    assert snapshot() == before
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT


def refuse_every_query(execute, sql, params, many, context):
    raise DatabaseError("The database is down (test)")


@pytest.mark.parametrize(("template", "heading"), [("500.html", "Đã có lỗi, dữ liệu chưa được lưu"),
                                                   ("404.html", "Không tìm thấy trang"),
                                                   ("403.html", "Không được phép"),
                                                   ("400.html", "Không đọc được yêu cầu")])  # fmt: skip
def test_the_error_pages_render_in_vietnamese_without_the_database(template, heading):
    """Failure: the database is unreachable while an error page is made. Expected: the page still renders,
    in Vietnamese, without a single query (Django renders 500.html with no context at all)."""
    with connection.execute_wrapper(refuse_every_query):
        page = loader.get_template(template).render()
    assert f"<h1>{heading}</h1>" in page


def test_a_missing_page_is_the_portals_vietnamese_404(world):
    """Failure: a signed-in official opens an address that does not exist. Expected: the portal's own 404
    page, in Vietnamese."""
    response = signed_in("official_a").get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Trang này không tồn tại" in response.content.decode()
