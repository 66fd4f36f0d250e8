"""Deliveries made for the records tests, and the records page's forms as a browser sends them."""

import io
import re
import secrets

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from app.deliveries.models import Delivery, DeliveryStatus
from app.extensions import db
from app.letters.models import LetterStatus
from tests.factories import LetterFactory, RecipientFactory

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_delivery(channel, status=DeliveryStatus.QUEUED, **values):
    """A delivery of an open letter to a new recipient, committed."""
    letter = LetterFactory(status=LetterStatus.OPEN)
    recipient = RecipientFactory(fax="+380 44 123 4567")
    delivery = Delivery(
        letter=letter,
        recipient=recipient,
        channel=channel,
        status=status,
        reply_token=secrets.token_hex(16),
        **values,
    )
    db.session.add(delivery)
    db.session.commit()
    return delivery


def records_url(delivery):
    return f"/staff/deliveries/{delivery.id}/records"


def send(client, delivery, name, data, files=None):
    """Post record `name` (or "proofs") with the CSRF token of the records page."""
    page = client.get(records_url(delivery)).get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    form = {"csrf_token": token, **data}
    for key, (content, filename) in (files or {}).items():
        form[key] = (io.BytesIO(content), filename)
    url = f"/staff/deliveries/{delivery.id}/proofs" if name == "proofs" else f"{records_url(delivery)}/{name}"
    return client.post(url, data=form, content_type="multipart/form-data")


def pdf_bytes(javascript=None, attachment=None):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:
        action = {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(javascript),
        }
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(action))
    if attachment:
        writer.add_attachment("payload.txt", attachment)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt="PNG", exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    image.save(out, format=fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()
