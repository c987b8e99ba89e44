"""Real OpenID Connect providers on 127.0.0.1 for the single sign-on tests.

- `TokenMint`: a tiny provider whose ID tokens the test writes and signs itself (joserfc),
  with discovery, JWKS and a token endpoint that checks PKCE, so each refusal (bad
  signature, wrong audience, expired, missing nonce, wrong tenant…) can be sent for real.
  Microsoft-style paths (/ms/<tenant>/v2.0) and Google-style ones (/google) are served
  too, with the issuers those providers use.
- `MockProvider`: oidc-provider-mock (PyPI) in its own process, a complete provider with
  an authorisation page, for the happy path in Chromium and over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
from flask import Flask, abort, jsonify, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "dropin-test-client"
CLIENT_SECRET = "test-client-secret"


@dataclass
class Grant:
    claims: dict
    challenge: str
    sign_with: RSAKey | None = None
    with_id_token: bool = True


@dataclass
class TokenMint:
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    discovery_requests: list[str] = field(default_factory=list)

    def start(self) -> TokenMint:
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def issuer(self, prefix: str) -> str:
        """The issuer a provider at this path names (Microsoft's multi-tenant one is a
        template with {tenantid}, as at login.microsoftonline.com)."""
        return f"{self.url}{prefix}".replace("/organizations/", "/{tenantid}/")

    def _build(self) -> Flask:
        app = Flask("token_mint")

        @app.get("/<path:prefix>/.well-known/openid-configuration")
        def discovery(prefix: str):
            self.discovery_requests.append(prefix)
            base = f"{self.url}/{prefix}"
            return jsonify(
                issuer=self.issuer(f"/{prefix}"),
                authorization_endpoint=f"{base}/authorize",
                token_endpoint=f"{self.url}/token",
                jwks_uri=f"{self.url}/jwks",
                response_types_supported=["code"],
                id_token_signing_alg_values_supported=["RS256"],
                subject_types_supported=["public"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.post("/token")
        def token():
            form = request.form.to_dict()
            self.token_requests.append(form)
            grant = self.grants.pop(form.get("code", ""), None)
            if grant is None:
                return jsonify(error="invalid_grant"), 400
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
                return jsonify(error="invalid_grant", error_description="PKCE failed"), 400
            if request.authorization is None or request.authorization.password != CLIENT_SECRET:
                abort(401)
            answer = {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer"}
            if grant.with_id_token:
                signing_key = grant.sign_with or self.key
                header = {"alg": "RS256", "kid": "k1"}
                answer["id_token"] = jwt.encode(header, grant.claims, signing_key)
            return jsonify(answer)

        return app


def authorize_params(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def standard_claims(authorize: dict, issuer: str, **claims) -> dict:
    """Claims that pass every check for this authorisation request; override to break one."""
    now = int(time.time())
    base = {
        "iss": issuer,
        "sub": "subject-1",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": authorize["nonce"],
        "email": "teacher@oak.example.org",
        "email_verified": True,
    }
    base.update(claims)
    return {key: value for key, value in base.items() if value is not None}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MockProvider:
    """oidc-provider-mock in a child process, on a free port of 127.0.0.1."""

    def __init__(self, users: list[dict]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "oidc_provider_mock", "-p", str(self.port)]
        command += ["--require-nonce", "true"]
        for user in users:
            command += ["--user-claims", json.dumps(user)]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._wait()

    def _wait(self) -> None:
        for _ in range(200):
            try:
                requests.get(f"{self.url}/.well-known/openid-configuration", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oidc-provider-mock did not start")

    def set_user(self, sub: str, claims: dict) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def authorize(self, location: str, sub: str) -> str:
        """What the person's browser does on the provider's page: choose the account.
        Returns where the provider sends them back to (our callback with code and state)."""
        answer = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
