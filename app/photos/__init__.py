import threading

from flask import Blueprint

# cli_group=None: `flask --app app photos-check`, not `flask photos photos-check`.
bp = Blueprint("photos", __name__, cli_group=None)


@bp.record_once
def _processing_slots(state) -> None:
    """One semaphore per app (per worker process): see services.processing_slot."""
    state.app.extensions["dropin_photo_slots"] = threading.BoundedSemaphore(
        state.app.config["PHOTO_PROCESSING_SLOTS"]
    )


from app.photos import cli, routes  # noqa: E402,F401
