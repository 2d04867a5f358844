"""A plain HTML form that the browser submits itself.

Reflex's ``rx.el.form`` always prevents the native submit; login and logout
must be real form posts so the server can set and clear the HttpOnly
session cookie.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    """``<form action method>`` without any JavaScript submit handler."""

    tag = "form"
    action: rx.Var[str]
    method: rx.Var[str]
    enc_type: rx.Var[str]


native_form = NativeForm.create
