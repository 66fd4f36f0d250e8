"""Render a letter context to one self-contained HTML document, its style inlined."""

from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from markupsafe import Markup

from app.core.errors import ValidationError
from app.rendering.environment import TEMPLATES_ROOT, letter_environment, template_exists


def _unknown(name):
    return ValidationError(
        _l("There is no letter template named “%(name)s”.", name=name),
        fields={"template": _l("Choose one of the letter templates.")},
        code="unknown_template",
    )


def _style(name):
    """The design's style.css, made safe to sit inside a <style> element."""
    path = TEMPLATES_ROOT / name / "style.css"
    css = path.read_text(encoding="utf-8") if path.is_file() else ""
    return Markup(css.replace("</", "<\\/"))  # noqa: S704 (a shipped file; "</" cannot close the element)


def render_letter_html(context):
    """The HTML of context["template"]; its style.css is passed to the template as `style`."""
    name = context["template"]
    if not template_exists(name):
        raise _unknown(name)
    try:
        template = letter_environment().get_template(f"{name}/template.html")
    except TemplateNotFound as error:
        raise _unknown(name) from error
    return template.render({**context, "style": _style(name)})
