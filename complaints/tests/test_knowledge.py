"""The knowledge base (process 12): versions without lost updates, validity, most used, and the
Chinese search that finds a word in the middle of a sentence (on PostgreSQL through the trigram index)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from boss.models import AuditEvent
from complaints.errors import ArticleError, ArticleVersionConflictError
from complaints.models import Article, ArticleUse, ArticleVersion
from complaints.selectors import article_most_used, article_search
from complaints.services import article_create, article_update
from complaints.tests.factories import ArticleCategoryFactory

pytestmark = pytest.mark.django_db

ROAMING = ("关于港澳台国际漫游资费下调的说明",
           "自下月起，全球通客户在港澳台地区的国际漫游资费下调为每分钟0.99元，接听免费。客户可拨打10086咨询。")


@pytest.fixture
def kb():
    return ArticleCategoryFactory(code="TARIFF", name="资费")


@pytest.fixture
def write(manager, kb):
    def create(title="标题", body="正文", kind=Article.Kind.TECHNICAL, **kwargs):
        return article_create(actor=manager, title=title, kind=kind, category=kb, body=body, **kwargs)

    return create


def titles(qs):
    return [a.title for a in qs]


def test_an_article_starts_at_version_one_with_its_version_row_and_audit(write, manager):
    article = write(*ROAMING, keywords="漫游 港澳台")
    assert article.version == 1 and article.author == manager and article.valid_from == timezone.localdate()
    assert list(article.versions.values_list("version", "title")) == [(1, ROAMING[0])]
    assert AuditEvent.objects.filter(action="kb.article_create", target_id=str(article.pk)).count() == 1


def test_an_edit_is_a_new_version_and_the_old_one_is_kept(write, manager):
    article = write("旧标题", "旧正文")
    article = article_update(actor=manager, article=article, base_version=1, title="新标题", kind="technical",
                             category=article.category, body="新正文", note="更正")
    assert article.version == 2
    assert list(article.versions.values_list("version", "title", "note")) == [(2, "新标题", "更正"), (1, "旧标题", "")]
    assert titles(article_search(query="新正文")) == ["新标题"] and titles(article_search(query="旧正文")) == []


def test_an_edit_based_on_an_old_version_is_refused_and_nothing_is_written(write, manager):
    article = write("标题", "正文")
    article_update(actor=manager, article=article, base_version=1, title="甲的修改", kind="technical",
                   category=article.category, body="正文")
    with pytest.raises(ArticleVersionConflictError) as exc:
        article_update(actor=manager, article=article, base_version=1, title="乙的修改", kind="technical",
                       category=article.category, body="正文")
    assert exc.value.code == "article_version_conflict"
    article.refresh_from_db()
    assert (article.version, article.title, ArticleVersion.objects.count()) == (2, "甲的修改", 2)


@pytest.mark.parametrize("kwargs, field", [({"title": " "}, "title"), ({"body": ""}, "body"),
                                           ({"kind": "gossip"}, "kind")])
def test_an_incomplete_article_is_refused(write, kwargs, field):
    with pytest.raises(ArticleError) as exc:
        write(**kwargs)
    assert exc.value.field == field and not Article.objects.exists()


def test_validity_must_be_ordered_and_expired_articles_are_not_found_by_default(write):
    today = timezone.localdate()
    with pytest.raises(ArticleError) as exc:
        write(valid_from=today, valid_until=today - timedelta(days=1))
    assert exc.value.field == "valid_until"
    write("过期的活动说明", "充值送话费活动", valid_from=today - timedelta(days=60),
          valid_until=today - timedelta(days=1))
    write("未来的活动说明", "充值送话费活动", valid_from=today + timedelta(days=1))
    assert titles(article_search(query="充值送话费")) == []
    assert titles(article_search(query="充值送话费", include_expired=True)) == ["未来的活动说明", "过期的活动说明"]


def test_versions_are_immutable(write):
    version = write().versions.get()
    version.title = "改历史"
    with pytest.raises(ValidationError):
        version.save()


# --- search -----------------------------------------------------------------------------------------


@pytest.fixture
def articles(write):
    write(*ROAMING)
    write("VoLTE高清通话开通指引", "开通VoLTE后可同时通话和上网。", kind=Article.Kind.TERM)
    write("宽带报修答复模板", "您好，您反映的宽带故障已派单处理，维修人员将在24小时内联系您。",
          kind=Article.Kind.ANSWER_TEMPLATE)


@pytest.mark.parametrize("query, found", [
    ("漫游资费", [ROAMING[0]]),          # a word in the middle of the title and of a sentence
    ("每分钟0.99元", [ROAMING[0]]),       # from the middle of the body
    ("下调", [ROAMING[0]]),               # two characters: no trigram, still found
    ("港澳台 接听", [ROAMING[0]]),        # every word must match
    ("港澳台 宽带", []),
    ("volte", ["VoLTE高清通话开通指引"]),  # Latin letters: case does not matter
    ("ＶｏＬＴＥ", ["VoLTE高清通话开通指引"]),  # full-width letters as typed by a Chinese input method
    ("24小时内", ["宽带报修答复模板"]),
    ("网络", []),
])
def test_chinese_search_finds_words_anywhere(articles, query, found):
    assert titles(article_search(query=query)) == found


def test_search_by_kind_and_title_hits_first(articles, write):
    write("漫游常见问题", "出国前请开通国际漫游。")
    assert titles(article_search(query="漫游"))[0] == "漫游常见问题"
    assert titles(article_search(query="", kind=Article.Kind.ANSWER_TEMPLATE)) == ["宽带报修答复模板"]


def test_most_used_counts_recent_uses_of_valid_articles(articles, manager):
    roaming, volte, template = Article.objects.order_by("id")
    now = timezone.now()
    for article, ages in ((template, [1, 2, 3]), (roaming, [1, 200]), (volte, [])):
        for days in ages:
            ArticleUse.objects.create(article=article, used_by=manager, used_at=now - timedelta(days=days))
    most = article_most_used()
    assert [(a.title, a.use_count) for a in most] == [(template.title, 3), (roaming.title, 1)]  # 200 days is too old


@pytest.mark.postgres
def test_postgres_has_the_trigram_index_and_uses_it_for_a_three_character_word(articles):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        sql, params = article_search(query="漫游资费").query.sql_with_params()
        cursor.execute("SET LOCAL enable_seqscan = off")  # a 3-row table would be read whole anyway
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "complaints_article_search_trgm" in plan, plan


@pytest.mark.postgres
def test_postgres_finds_a_chinese_word_in_the_middle_of_a_long_text(write):
    filler = "营业厅受理业务时应核对客户证件原件。" * 200
    write("长文", filler + "携号转网须先结清欠费" + filler)
    write("干扰", filler)
    assert titles(article_search(query="携号转网")) == ["长文"]
    assert titles(article_search(query="结清欠费 核对客户")) == ["长文"]
