"""Customer screens: list, register, the 360 page, contact data, classes, reveal, live identity check.

One view per process; forms check the shape; the services decide and their refusals are shown at the
field they name (post/redirect/get after every commit).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django_filters.views import FilterView

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.idempotency import idempotent
from boss.lists import LazyListMixin
from customers.errors import IdentityInUseError
from customers.filtersets import CustomerFilterSet
from customers.forms import (
    CustomerClassForm,
    CustomerContactForm,
    CustomerCreateForm,
    IdentityFields,
    ReasonForm,
    RevealForm,
)
from customers.identity import identity_validate
from customers.models import CustomerClass
from customers.profile import sections_for
from customers.selectors import (
    customer_class_get,
    customer_get_for_actor,
    customer_list_for_actor,
    customer_profile,
    duplicate_customer_served,
    identity_customer,
    identity_is_minor,
)
from customers.services import (
    REVEALABLE_FIELDS,
    customer_class_revoke,
    customer_classify,
    customer_create,
    customer_update,
    identity_reveal,
)
from customers.tables import CustomerTable

CLASS_PERMS = ("customers.classify_customer", "customers.blacklist_customer")


def _may_classify(user) -> bool:
    return any(user.has_perm(p) for p in CLASS_PERMS)


# --------------------------------------------------------------------------------------------------
# List and 360
# --------------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class CustomerListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_list.html"
    table_class = CustomerTable
    filterset_class = CustomerFilterSet

    def get_queryset(self):
        return customer_list_for_actor(actor=self.request.user).order_by("-created_at", "-pk")


@never_cache
@login_required
@permission_required("customers.view_customer", raise_exception=True)
def customer_detail(request, pk: int):
    """The customer 360 page (process 14, ui.md)."""
    return _render_detail(request, customer_get_for_actor(actor=request.user, pk=pk))


def _render_detail(request, customer, *, revealed: dict | None = None, reveal_form=None):
    profile = customer_profile(customer=customer)
    context = {
        "customer": customer,
        "profile": profile,
        "slots": sections_for(request=request, customer=customer),
        "reveal_form": reveal_form or (RevealForm() if request.user.has_perm("customers.reveal_identity") else None),
        "revealed": revealed,
        "may_classify": _may_classify(request.user),
        "may_edit": request.user.has_perm("customers.change_customer"),
    }
    return render(request, "customers/customer_detail.html", context)


# --------------------------------------------------------------------------------------------------
# Register and edit
# --------------------------------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class CustomerCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "customers.add_customer"
    template_name = "customers/customer_create.html"
    form_class = CustomerCreateForm

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key")
        actor = self.request.user

        def run():
            return 201, {"id": customer_create(actor=actor, **data).pk}

        try:
            result = idempotent(actor=actor, key=key, scope="customers.create", params=data, run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            form.duplicate_of = duplicate_customer_served(
                actor=actor, customer_id=exc.params.get("customer") if isinstance(exc, IdentityInUseError) else None)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer registered."))
        return redirect("customers:detail", pk=result.body["id"])


@never_cache
@login_required
@permission_required("customers.add_customer", raise_exception=True)
@require_POST
def identity_check(request):
    """htmx: validate the typed document number while the rep fills the form (POST: never in a URL)."""
    form = IdentityFields(request.POST)
    info, error = None, None
    if form.is_valid() and form.cleaned_data["number"].strip():
        try:
            info = identity_validate(form.cleaned_data["doc_type"], form.cleaned_data["number"])
        except DomainError as exc:
            error = exc
    minor = identity_is_minor(info) if info else None
    existing = duplicate_customer_served(
        actor=request.user, customer_id=identity_customer(doc_type=info.doc_type, number=info.number) if info else None)
    return render(request, "customers/_identity_check.html", {
        "info": info, "error": error, "minor": minor, "existing": existing,
        "opening": bool(request.POST.get("opening"))})


@method_decorator(never_cache, name="dispatch")
class CustomerEditView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Contact data only: the identity stays as it was on the document."""

    permission_required = "customers.change_customer"
    template_name = "customers/customer_edit.html"
    form_class = CustomerContactForm

    @cached_property
    def customer(self):
        return customer_get_for_actor(actor=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)

    def form_valid(self, form):
        data = {k: (v or None) for k, v in form.cleaned_data.items()}  # empty: keep as it is
        try:
            customer_update(actor=self.request.user, customer=self.customer, **data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact data saved."))
        return redirect("customers:detail", pk=self.customer.pk)


# --------------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------------


class ClassPermissionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_classify(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def customer(self):
        return customer_get_for_actor(actor=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer=self.customer, **kwargs)


@method_decorator(never_cache, name="dispatch")
class CustomerClassifyView(ClassPermissionMixin, FormView):
    template_name = "customers/customer_classify.html"
    form_class = CustomerClassForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        user = self.request.user
        form.fields["kind"].choices = [
            (k, label) for k, label in CustomerClass.Kind.choices
            if user.has_perm("customers.blacklist_customer" if k == CustomerClass.Kind.BLACKLIST
                             else "customers.classify_customer")
        ]
        return form

    def form_valid(self, form):
        try:
            customer_classify(actor=self.request.user, customer=self.customer, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer class saved."))
        return redirect("customers:detail", pk=self.customer.pk)


@method_decorator(never_cache, name="dispatch")
class CustomerClassRevokeView(ClassPermissionMixin, FormView):
    template_name = "customers/customer_class_revoke.html"
    form_class = ReasonForm

    @cached_property
    def customer_class(self):
        return customer_class_get(customer=self.customer, pk=self.kwargs["class_pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(customer_class=self.customer_class, **kwargs)

    def form_valid(self, form):
        try:
            customer_class_revoke(actor=self.request.user, customer_class=self.customer_class,
                                  reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Customer class revoked."))
        return redirect("customers:detail", pk=self.customer.pk)


# --------------------------------------------------------------------------------------------------
# Reveal
# --------------------------------------------------------------------------------------------------


@never_cache
@login_required
@permission_required("customers.reveal_identity", raise_exception=True)
@require_POST
def customer_reveal(request, pk: int):
    """Show one full value once (audited, without the value). Not a redirect: the value is never put in
    the session or a URL; the response is not cached, and reloading it reveals (and audits) again."""
    customer = customer_get_for_actor(actor=request.user, pk=pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            value = identity_reveal(actor=request.user, customer=customer, **form.cleaned_data)
            revealed = {"field": form.cleaned_data["field"], "label": REVEALABLE_FIELDS[form.cleaned_data["field"]][0],
                        "value": value}
        except DomainError as exc:
            form_add_domain_error(form, exc)
    if request.htmx:
        return render(request, "customers/_reveal.html", {"customer": customer, "reveal_form": form,
                                                          "revealed": revealed})
    return _render_detail(request, customer, revealed=revealed, reveal_form=form)
