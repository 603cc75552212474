"""The knowledge base (客服信息库): search, read with its versions, write, and the answer-template picker
of the reply form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from complaints.forms import ArticleForm
from complaints.models import Article, ArticleCategory
from complaints.selectors import article_get, article_most_used, article_search
from complaints.services import article_create, article_update


@never_cache
@login_required
@permission_required("complaints.view_article", raise_exception=True)
def article_list(request):
    query = request.GET.get("q", "").strip()[:60]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Article.Kind.values else ""
    try:
        category_id = int(request.GET.get("category") or 0) or None
    except ValueError:
        category_id = None
    include_expired = bool(request.GET.get("expired")) and request.user.has_perm("complaints.change_article")
    results = article_search(query=query, kind=kind or None, category_id=category_id, include_expired=include_expired)
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "kind": kind, "category_id": category_id,
               "include_expired": include_expired, "kinds": Article.Kind.choices,
               "categories": ArticleCategory.objects.filter(active=True),
               "most_used": article_most_used(limit=10)}
    return render(request, "complaints/article_list.html", context)


@never_cache
@login_required
@permission_required("complaints.view_article", raise_exception=True)
def article_detail(request, pk: int):
    article = article_get(pk=pk)
    versions = article.versions.select_related("edited_by", "category")
    return render(request, "complaints/article_detail.html", {"article": article, "versions": versions})


@never_cache
@login_required
@permission_required("complaints.view_article", raise_exception=True)
def article_templates(request):
    """htmx: answer templates matching the words typed in the reply form's picker."""
    query = request.GET.get("q", "").strip()[:60]
    results = list(article_search(query=query, kind=Article.Kind.ANSWER_TEMPLATE)[:8])
    return render(request, "complaints/_article_templates.html", {"results": results, "query": query})


@method_decorator(never_cache, name="dispatch")
class ArticleCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "complaints.add_article"
    template_name = "complaints/article_form.html"
    form_class = ArticleForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            article = article_create(actor=self.request.user, title=data["title"], kind=data["kind"],
                                     category=data["category"], body=data["body"], keywords=data["keywords"],
                                     valid_from=data["valid_from"], valid_until=data["valid_until"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Article saved."))
        return redirect("complaints:article_detail", pk=article.pk)


@method_decorator(never_cache, name="dispatch")
class ArticleUpdateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "complaints.change_article"
    template_name = "complaints/article_form.html"
    form_class = ArticleForm

    @cached_property
    def article(self):
        return article_get(pk=self.kwargs["pk"])

    def get_initial(self):
        a = self.article
        return {"title": a.title, "kind": a.kind, "category": a.category_id, "body": a.body, "keywords": a.keywords,
                "valid_from": a.valid_from, "valid_until": a.valid_until, "base_version": a.version}

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            article = article_update(actor=self.request.user, article=self.article,
                                     base_version=data["base_version"] or 0, title=data["title"], kind=data["kind"],
                                     category=data["category"], body=data["body"], keywords=data["keywords"],
                                     valid_from=data["valid_from"], valid_until=data["valid_until"], note=data["note"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Version %(version)s saved.") % {"version": article.version})
        return redirect("complaints:article_detail", pk=article.pk)
