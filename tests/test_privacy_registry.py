"""Every column that refers to a person is known to erasure (app/privacy/personal.py)."""

from app.extensions import db
from app.privacy import personal


def columns_referring_to_user() -> set[tuple[str, str]]:
    found = set()
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == "user" and key.column.name == "id":
                found.add((table.name, key.parent.name))
    return found


def test_every_column_referring_to_a_person_is_in_the_registry(app):
    missing = columns_referring_to_user() - personal.registered()
    assert not missing, (
        f"Add these to app/privacy/personal.py (what erasing a person does with them): "
        f"{sorted(missing)}"
    )


def test_the_registry_names_only_real_columns(app):
    assert personal.registered() <= columns_referring_to_user()


def test_the_walk_finds_the_tables_it_must(app):
    found = columns_referring_to_user()
    assert {("visit", "coach_id"), ("membership", "user_id"), ("sso_identity", "user_id")} <= found
    assert all(rule.erasure in ("delete", "set_null", "visit_record") for rule in personal.COLUMNS)


def test_visit_records_are_the_three_erasure_handles_by_hand(app):
    handled = {("visit", "coach_id"), ("visit", "teacher_id"), ("action_step", "teacher_id")}
    by_hand = {(c.table, c.column) for c in personal.columns_with(personal.VISIT_RECORD)}
    assert by_hand == handled, "app/privacy/erasure.py must handle a new VISIT_RECORD column"
