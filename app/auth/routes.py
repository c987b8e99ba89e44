from urllib.parse import urlsplit

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from app.auth import bp
from app.auth.forms import LoginForm, ResetRequestForm, SetPasswordForm
from app.auth.links import LinkRefused, deliver, user_for_token
from app.auth.services import (
    WRONG_CREDENTIALS,
    authenticate,
    clear_failures,
    find_user_by_email,
    forget_attempt,
    is_throttled,
    record_attempt,
    reset_request_allowed,
    sign_in,
)
from app.auth.sessions import end_all_sessions, end_session
from app.authz import landing_section, reachable_sections
from app.extensions import db
from app.sso.services import offered_connections, password_sign_in_allowed

SSO_ONLY = "Your trust signs in with its own accounts, not a Dropin password: use the button above."

#: Each section's name in the navigation and the page that opens it. Who may reach which
#: section is app.authz's to say (app/authz/sections.py).
SECTION_LINKS = {
    "drop_ins": ("Drop-ins", "visits.index"),
    "new_drop_in": ("New drop-in", "capture.new_visit"),
    "my_step": ("My step", "teacher.index"),
    "coverage": ("Coverage", "leads.coverage"),
    "export": ("Export", "exports.index"),
    "admin": ("Admin", "admin.index"),
    "emails": ("Emails", "notify.preferences"),
    "your_data": ("Your data", "takeout.personal"),
}


def landing_page_for(user) -> str:
    section = landing_section(user)
    return url_for(SECTION_LINKS[section][1]) if section else url_for("auth.no_role")


@bp.app_context_processor
def navigation():
    def nav_links() -> list[tuple[str, str]]:
        return [SECTION_LINKS[section] for section in reachable_sections(current_user)]

    def nav_is_current(endpoint: str) -> bool:
        """Is this nav item the page shown? Every admin page sits under "Admin"."""
        shown = request.endpoint or ""
        in_admin = shown.startswith("admin.") or shown == "takeout.trust_export"
        return shown == endpoint or (endpoint == "admin.index" and in_admin)

    return {"nav_links": nav_links, "nav_is_current": nav_is_current}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, so a crafted link cannot send someone elsewhere. Browsers
    drop tabs and newlines and read a backslash as a slash ("/\\t/evil" is "//evil"), so
    any of those, or anything that parses with a scheme or host, is refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(char.isspace() or ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(landing_page_for(current_user))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(landing_page_for(current_user))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        attempt = record_attempt(form.email.data, request.remote_addr or "unknown")
        db.session.commit()
        if is_throttled(attempt):
            forget_attempt(attempt)
            db.session.commit()
            form.form_errors.append(
                "Too many attempts to sign in. Please wait a few minutes and try again."
            )
            status = 429
        else:
            user = authenticate(form.email.data, form.password.data)
            if user is None:
                form.form_errors.append(WRONG_CREDENTIALS)
                status = 401
            elif not password_sign_in_allowed(user):
                form.form_errors.append(SSO_ONLY)
                status = 403
            else:
                clear_failures(form.email.data)
                sign_in(user, remember=form.remember.data)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")) or landing_page_for(user))
    elif request.method == "POST":
        status = 422
    return render_login(form, status)


def render_login(form: LoginForm, status: int = 200):
    """The sign-in page, with a button for each identity provider a trust has set up."""
    connections = offered_connections()
    several_trusts = len({connection.trust_id for connection in connections}) > 1
    return render_template(
        "auth/login.html", form=form, connections=connections, several_trusts=several_trusts
    ), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        end_session(current_user)
        db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/no-role")
@login_required
def no_role():
    return render_template("auth/no_role.html")


# Setting a password from a one-time link: invitations and password resets. -------------


def _set_password_from_link(token: str, purpose: str):
    """Both kinds of link: check it, then let the person choose a password once."""
    try:
        user = user_for_token(token, purpose)
    except LinkRefused as refused:
        return render_template("auth/link_refused.html", message=refused.message), 410
    if not password_sign_in_allowed(user):
        message = "Your trust signs in with its own accounts: go to the sign-in page instead."
        return render_template("auth/link_refused.html", message=message), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        end_all_sessions(user)
        sign_in(user)
        db.session.commit()
        flash("Your password is set. Welcome to Dropin.", "info")
        return redirect(landing_page_for(user))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/set_password.html", form=form, user=user, purpose=purpose), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _no_referrer(_set_password_from_link(token, "invite"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _no_referrer(_set_password_from_link(token, "reset"))


def _no_referrer(answer):
    """The page's address holds the token: never send it on as a Referer."""
    response = make_response(answer)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password-reset", methods=["GET", "POST"])
def request_password_reset():
    """Emails a reset link when SMTP is configured. The answer is the same whether or not
    the address has an account; without email, an admin makes the link instead."""
    from flask import current_app

    form = ResetRequestForm()
    email_configured = bool(current_app.config.get("SMTP_HOST"))
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template(
            "auth/password_reset.html", form=form, email_configured=email_configured
        ), status
    attempt = record_attempt(form.email.data, request.remote_addr or "unknown", kind="reset")
    db.session.commit()
    if not reset_request_allowed(attempt):
        form.form_errors.append("Too many reset requests. Please wait a few minutes.")
        return render_template(
            "auth/password_reset.html", form=form, email_configured=email_configured
        ), 429
    user = find_user_by_email(form.email.data)
    if email_configured and user is not None and user.active:
        deliver(user, "reset")
    return render_template(
        "auth/password_reset.html", form=form, sent=True, email_configured=email_configured
    )
