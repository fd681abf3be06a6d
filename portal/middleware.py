"""ASGI middleware: security headers on every answer; request bodies above a size limit refused
before anything reads them."""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = ("La requête est trop volumineuse (20 Mo au plus pour un fichier, 2 Mo pour un "
             "formulaire).")


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, max_upload_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        # Files come in multipart forms: room for the file plus the form around it.
        self.max_multipart_bytes = max_upload_bytes + max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.max_multipart_bytes if multipart else self.max_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(scope, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _refuse(scope, send)


class _BodyTooLarge(Exception):
    pass


async def _refuse(scope: Scope, send: Send) -> None:
    is_api = scope["path"].startswith("/api/")
    if is_api:
        body = json.dumps({"detail": TOO_LARGE}).encode()
        content_type = b"application/json"
    else:
        body = (f"<!doctype html><html lang=fr><meta charset=utf-8><title>{TOO_LARGE}</title>"
                f"<p>{TOO_LARGE} Revenez à la page précédente : ce que vous aviez saisi y est "
                "toujours.</p></html>").encode()
        content_type = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", content_type),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# No inline script or style and no outside origin: an injected tag can neither run nor call out.
# (PDFs are rendered by WeasyPrint on the server, e-mails are read elsewhere: not concerned.)
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
                           "base-uri 'self'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
