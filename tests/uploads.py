"""Running a file check (portal.pdf_safety, portal.image_safety) on bytes, as an upload would."""

from portal.errors import Invalid


def refusal(tmp_path, check, content: bytes) -> str | None:
    """The French reason ``check`` gives for a file of this content, or None when it passes."""
    path = tmp_path / "envoi"
    path.write_bytes(content)
    try:
        check(path)
    except Invalid as error:
        return error.message
    return None
