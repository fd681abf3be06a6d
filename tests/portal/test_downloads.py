"""Every file the portal hands out goes through portal.web.download: saved, not shown, not kept
by a cache, and named the same in every browser."""

from urllib.parse import unquote

from portal.web import download


def test_a_file_name_with_accents_and_quotes_keeps_both_forms():
    response = download(b"a;b\n", 'enquête "été" 2025.csv', "text/csv; charset=utf-8")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="enqu-te-t-2025.csv"; ')
    typed = disposition.split("filename*=UTF-8''")[1]
    assert unquote(typed) == 'enquête "été" 2025.csv' and '"' not in typed
    assert response.headers["cache-control"] == "private, no-store"
    assert response.body == b"a;b\n"


def test_extra_headers_are_kept_and_an_empty_name_still_saves():
    response = download(b"{}", "«»", "application/json", headers={"X-Contrats-Exportes": "3"})
    assert response.headers["x-contrats-exportes"] == "3"
    assert 'filename="fichier"' in response.headers["content-disposition"]


def test_a_buyer_s_export_is_not_cached(client, login, world):
    login(world.buyer)
    response = client.get("/indicateurs/export/heures-insertion.csv")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
