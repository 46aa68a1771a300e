"""Published-version resolver: 1,000 generated preprints against a local server that answers
like Semantic Scholar, DBLP, OpenAlex and Crossref (60% published at a conference, 30%
preprint only, 10% unknown to S2 and found through DBLP + OpenAlex).

First run: every answer from the (local) network — counts the requests per paper and derives
how long the same library takes online at the services' rate limits. Second run: the same
papers asked again (``recheck``) with every answer in the cache (target < 10 s)."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

N = 1000
AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def _title(i: int) -> str:
    return f"Generated study number {i} of sparse attention for speech {i * 7919 % 10007}"


def _kind(i: int) -> str:
    return "published" if i % 10 < 6 else "preprint" if i % 10 < 9 else "dblp"


def _index(title: str) -> int | None:
    words = title.split()
    try:
        return int(words[3])
    except (IndexError, ValueError):
        return None


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, bytes]:
    authors = [{"name": a} for a in AUTHORS]
    if path.endswith("/paper/search/match"):
        i = _index(query.get("query", [""])[0])
        if i is None or _kind(i) == "dblp":
            return 404, b'{"error": "Title match not found"}'
        venue = "Neural Information Processing Systems" if _kind(i) == "published" else "arXiv.org"
        paper = {"paperId": f"p{i}", "title": _title(i), "authors": authors, "year": 2021,
                 "venue": venue, "externalIds": {"ArXiv": f"2101.{i:05d}"},
                 "journal": {"pages": "1-10"} if _kind(i) == "published" else {"name": "ArXiv"},
                 "publicationTypes": ["Conference"] if _kind(i) == "published" else []}
        return 200, json.dumps({"data": [paper]}).encode()
    if "/paper/arXiv:" in path:
        return 404, b'{"error": "Paper not found"}'
    if path.endswith("/search/publ/api"):
        i = _index(query.get("q", [""])[0])
        hits = []
        if i is not None:
            author = {"author": [{"text": a} for a in AUTHORS]}
            hits.append({"info": {"title": _title(i) + ".", "authors": author, "venue": "CoRR",
                                  "year": "2021", "key": f"journals/corr/abs-2101-{i:05d}",
                                  "type": "Informal and Other Publications"}})
            if _kind(i) == "published":
                hits.append({"info": {"title": _title(i) + ".", "authors": author,
                                      "venue": "NeurIPS", "year": "2021", "key": f"conf/nips/X{i}",
                                      "type": "Conference and Workshop Papers"}})
            if _kind(i) == "dblp":
                hits.append({"info": {"title": _title(i) + ".", "authors": author,
                                      "venue": "Neural Networks", "year": "2022",
                                      "key": f"journals/nn/X{i}", "type": "Journal Articles",
                                      "doi": f"10.1016/j.neunet.2022.{i}"}})
        body = {"result": {"hits": {"@total": str(len(hits)), "hit": [
            {"@score": "1", "info": h["info"]} for h in hits]}}}
        return 200, json.dumps(body).encode()
    if path.endswith("/works") and "filter" in query:
        i = _index(query["filter"][0].split(":", 1)[-1])
        results = []
        if i is not None and _kind(i) == "dblp":
            results.append({
                "id": f"W{i}", "display_name": _title(i), "publication_year": 2022,
                "type": "article", "doi": f"https://doi.org/10.1016/j.neunet.2022.{i}",
                "authorships": [{"author": {"display_name": a}} for a in AUTHORS],
                "primary_location": {"source": {"display_name": "Neural Networks",
                                                "type": "journal"}}})
        return 200, json.dumps({"meta": {"count": len(results)}, "results": results}).encode()
    return 200, json.dumps({"status": "ok", "message": {"items": []}}).encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        status, body = _answer(parts.path, parse_qs(parts.query))
        self.server.hits += 1  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def run() -> list[dict[str, object]]:
    from scholardesk.core.config import Paths, Settings
    from scholardesk.domain.papers import PaperRecord
    from scholardesk.services.context import Services
    from scholardesk.services.papers_resolve import SERVICE_INTERVALS
    from scholardesk.sources.http import HttpPolicy, PoliteClient
    from scholardesk.store import migrate
    from scholardesk.store.db import Database

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths.resolve(Path(tmp))
        paths.ensure()
        db = Database(paths.db_url)
        migrate.upgrade(db)
        settings = Settings(service_urls={n: f"{base}/{n}" for n in
                                          ("semanticscholar", "dblp", "openalex", "crossref")})
        http = PoliteClient(HttpPolicy(max_retries=0, cache_dir=paths.cache_dir))
        services = Services(db=db, paths=paths, settings=settings, _http=http)
        services.papers.import_records([
            PaperRecord(_title(i), "arxiv", "bench", authors=tuple(AUTHORS), year=2021,
                        arxiv_id=f"2101.{i:05d}") for i in range(N)])
        started = time.perf_counter()
        first = services.papers_resolve.propose()
        online_local = time.perf_counter() - started
        statuses: dict[str, int] = {}
        for p in first.proposals:
            statuses[p.status] = statuses.get(p.status, 0) + 1
        started = time.perf_counter()
        again = services.papers_resolve.propose(recheck=True)
        cached_s = time.perf_counter() - started
        # 404 answers ("S2 has no such title") are not cached by the client: asked again
        uncached = again.requests
        assert statuses.get("published", 0) >= 0.65 * N, statuses
        services.close()
    server.shutdown()
    server.server_close()
    rpp = first.requests / N
    # Online, one paper after another: Semantic Scholar and DBLP (1 s between requests each)
    # dominate; upper bound: every request waits a full second.
    online_minutes = first.requests * SERVICE_INTERVALS["semanticscholar"] / 60
    return [
        {"benchmark": f"resolve {N:,} cached papers", "value": cached_s, "unit": "s",
         "target": "< 10 s"},
        {"benchmark": "network requests per paper", "value": rpp, "unit": "",
         "target": "≤ 3"},
        {"benchmark": "requests per paper when cached (uncached 404s)", "value": uncached / N,
         "unit": "", "target": "—"},
        {"benchmark": f"resolve {N:,} papers, answers from a local server", "value": online_local,
         "unit": "s", "target": "—"},
        {"benchmark": f"{N:,} papers online at ~1 request/s (estimate)", "value": online_minutes,
         "unit": "min", "target": "—"},
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
