"""Review-history collectors: parsers over bytes (Crossref JSON, PubMed XML, JATS XML,
publisher HTML pages, PDFs, CSV) and thin polite fetchers built on ``PoliteClient``.

Every parser returns ``ArticleHistory`` records (``scholardesk.domain.reviews``) or raises
``InputError`` naming what is wrong with the document (truncated XML, a Cloudflare challenge
page, a PDF without a text layer ...). Parsers never touch the database or the network.
"""
