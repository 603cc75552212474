"""The knowledge base (客服信息库, process 12): articles with versions.

An edit never overwrites history: the article row holds the current text and every version, the first
included, is an immutable ArticleVersion. An edit names the version it started from; if someone saved a
newer one meanwhile, it is refused (no lost update) and the editor reloads.
"""

import unicodedata
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff
from complaints.errors import ArticleError, ArticleVersionConflictError
from complaints.models import Article, ArticleCategory, ArticleVersion


def search_normalize(text: str) -> str:
    """The form both the stored search text and a query are compared in: NFKC (full-width Latin and
    digits become half-width, compatibility ideographs become the common ones) and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _search_text(*, title: str, keywords: str, body: str) -> str:
    return search_normalize("\n".join((title, keywords, body)))


def _clean(*, title: str, kind: str, category: ArticleCategory, body: str, valid_from: date | None,
           valid_until: date | None) -> tuple[str, str, date]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ArticleError(_("Give the article a title."), field="title")
    if not body:
        raise ArticleError(_("Write the article's text."), field="body")
    if kind not in Article.Kind.values:
        raise ArticleError(_("Choose the kind of article."), field="kind")
    if category is None or not category.active:
        raise ArticleError(_("Choose a category that is in use."), field="category")
    valid_from = valid_from or timezone.localdate()
    if valid_until is not None and valid_until < valid_from:
        raise ArticleError(_("The end of validity cannot be before its start."), field="valid_until")
    return title, body, valid_from


def _version_row(article: Article, *, actor, note: str) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article, version=article.version, title=article.title, body=article.body, kind=article.kind,
        category=article.category, keywords=article.keywords, valid_from=article.valid_from,
        valid_until=article.valid_until, edited_by=actor, note=note)


@transaction.atomic
def article_create(*, actor: Staff, title: str, kind: str, category: ArticleCategory, body: str, keywords: str = "",
                   valid_from: date | None = None, valid_until: date | None = None) -> Article:
    """Write a new article (version 1). Raises ArticleError."""
    title, body, valid_from = _clean(title=title, kind=kind, category=category, body=body,
                                     valid_from=valid_from, valid_until=valid_until)
    keywords = (keywords or "").strip()
    article = Article.objects.create(
        title=title, kind=kind, category=category, body=body, keywords=keywords, author=actor,
        valid_from=valid_from, valid_until=valid_until, version=1,
        search_text=_search_text(title=title, keywords=keywords, body=body))
    _version_row(article, actor=actor, note="")
    audit_record(actor=actor, action="kb.article_create", target=article, after={"version": 1, "kind": kind})
    return article


@transaction.atomic
def article_update(*, actor: Staff, article: Article, base_version: int, title: str, kind: str,
                   category: ArticleCategory, body: str, keywords: str = "", valid_from: date | None = None,
                   valid_until: date | None = None, note: str = "") -> Article:
    """Save a new version of an article. Raises ArticleVersionConflictError, ArticleError."""
    article = lock_by_key(Article, article.pk)
    if article.version != base_version:
        raise ArticleVersionConflictError(current=article.version, base=base_version)
    title, body, valid_from = _clean(title=title, kind=kind, category=category, body=body,
                                     valid_from=valid_from, valid_until=valid_until)
    before = {"version": article.version}
    article.title, article.kind, article.category, article.body = title, kind, category, body
    article.keywords, article.valid_from, article.valid_until = (keywords or "").strip(), valid_from, valid_until
    article.version += 1
    article.search_text = _search_text(title=title, keywords=article.keywords, body=body)
    article.save()
    _version_row(article, actor=actor, note=(note or "").strip()[:200])
    audit_record(actor=actor, action="kb.article_update", target=article, before=before,
                 after={"version": article.version}, reason=note)
    return article
