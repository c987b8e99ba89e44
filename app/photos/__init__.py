import threading

from flask import Blueprint

bp = Blueprint("photos", __name__)


@bp.record_once
def _processing_slots(state) -> None:
    """One semaphore per app (per worker process): see services.processing_slot."""
    state.app.extensions["dropin_photo_slots"] = threading.BoundedSemaphore(
        state.app.config["PHOTO_PROCESSING_SLOTS"]
    )


from app.photos import routes  # noqa: E402,F401
