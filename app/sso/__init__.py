"""Single sign-on through a trust's identity provider: its settings, the OpenID Connect
exchange (Authlib) and who may sign in. The pages are auth's (sign-in) and admin's (set-up)."""
