"""How long a sign-in takes for a known email with a wrong password, an unknown email and
a known email whose invitation is not yet accepted (no password): with production's scrypt
hashing, all three should take about as long, so timing tells nobody which emails exist."""

from __future__ import annotations

import statistics
import tempfile
import time

from app import create_app
from app.auth.services import authenticate
from app.extensions import db
from app.models import User

ROUNDS = 15


def _median_ms(email: str) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        authenticate(email, "not the password")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "PHOTO_DIR": folder,
            }
        )
        with app.app_context():
            db.create_all()
            known = User(email="known@example.org", name="Known")
            known.set_password("the real password")
            db.session.add_all([known, User(email="invited@example.org", name="Invited")])
            db.session.commit()
            for label, email in (
                ("known email, wrong password", "known@example.org"),
                ("unknown email", "nobody@example.org"),
                ("invited, no password yet", "invited@example.org"),
            ):
                print(f"{label:30} {_median_ms(email):6.1f} ms (median of {ROUNDS})")


if __name__ == "__main__":
    main()
