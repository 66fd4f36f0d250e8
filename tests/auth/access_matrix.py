"""Who may use which staff route: the expectation kind of every rule under /staff and /api/v1.

A rule maps to a kind, or to {method: kind} where its methods differ. Kinds:

- "view": viewers, editors of the route's campaign, admins; others get 404 (the campaign is hidden).
- "edit": editors of the route's campaign, admins; its viewers 403, others 404.
- "staff": any logged-in staff member (the page lists only what they may see).
- "account_editor": accounts with the editor role, and admins: what belongs to no campaign (the
  registry's edits, the holding pen, creating a campaign, the audit log of the campaigns they edit).
- "admin": admins only.
- "public": no login (listed so that no rule is forgotten).
"""

MATRIX = {
    # Campaigns and letters
    "/staff/": "staff",
    "/staff/campaigns/new": "account_editor",
    "/staff/campaigns/<int:campaign_id>": "view",
    "/staff/campaigns/<int:campaign_id>/letters/new": "edit",
    "/staff/letters/<int:letter_id>": {"GET": "view", "POST": "edit"},
    "/staff/letters/<int:letter_id>/approve": "edit",
    "/staff/letters/<int:letter_id>/preview/<lang>": "view",
    "/staff/letters/<int:letter_id>/reconfirm": "edit",
    "/staff/letters/<int:letter_id>/revisions": "view",
    "/staff/letters/<int:letter_id>/revisions/<int:number>/restore": "edit",
    "/staff/letters/<int:letter_id>/transition": "edit",
    "/staff/letters/<int:letter_id>/cover-message": "edit",
    # Signatures
    "/staff/letters/<int:letter_id>/signatures": "view",
    "/staff/letters/<int:letter_id>/signatures/<int:signature_id>": "view",
    "/staff/letters/<int:letter_id>/signatures/<int:signature_id>/decide": "edit",
    "/staff/letters/<int:letter_id>/signatures/<int:signature_id>/merge": "edit",
    "/staff/letters/<int:letter_id>/signatures/add": "edit",
    "/staff/letters/<int:letter_id>/signatures/bulk": "edit",
    "/staff/letters/<int:letter_id>/signatures/export.<any(csv, json):fmt>": "edit",
    "/staff/letters/<int:letter_id>/signatures/import": "edit",
    "/staff/letters/<int:letter_id>/signatures/positions": "edit",
    "/staff/signatures/import-template.csv": "account_editor",
    "/staff/privacy": "admin",
    "/staff/privacy/erase": "admin",
    "/staff/privacy/export": "admin",
    # Deliveries
    "/staff/letters/<int:letter_id>/deliveries": {"GET": "view", "POST": "edit"},
    "/staff/deliveries/<int:delivery_id>": "view",
    "/staff/deliveries/<int:delivery_id>/transition": "edit",
    "/staff/deliveries/<int:delivery_id>/records": "view",
    "/staff/deliveries/<int:delivery_id>/records/<name>": "edit",
    "/staff/deliveries/<int:delivery_id>/proofs": "edit",
    "/staff/deliveries/<int:delivery_id>/proofs/<int:proof_id>": "view",
    "/staff/delivery-batches/<int:batch_id>": "view",
    "/staff/delivery-batches/<int:batch_id>/progress.json": "view",
    "/staff/delivery-batches/<int:batch_id>/queue": "edit",
    "/staff/chasers/<int:delivery_id>/approve": "edit",
    "/staff/chasers/<int:delivery_id>/discard": "edit",
    "/staff/awaiting": "staff",
    "/staff/deliveries/<int:delivery_id>/evidence.zip": "edit",  # it holds the recipient's address
    "/staff/deliveries/<int:delivery_id>/reference": "edit",
    "/staff/deliveries/<int:delivery_id>/partner-link": "edit",
    "/staff/deliveries/<int:delivery_id>/partner-link/<int:link_id>/revoke": "edit",
    "/staff/deliveries/<int:delivery_id>/partner-reports/<int:report_id>/accept": "edit",
    "/staff/responses/<int:response_id>/deliveries": "edit",
    "/staff/responses/<int:response_id>/deliveries/<int:delivery_id>/detach": "edit",
    "/staff/jobs/<int:job_id>": "view",
    "/staff/jobs/<int:job_id>/progress.json": "view",
    "/staff/search": "staff",
    "/staff/signatories/<int:signatory_id>/logo.png": "view",
    "/staff/letters/<int:letter_id>/signatures/<int:signature_id>/lines": "edit",
    "/api/v1/deliveries/<int:delivery_id>/evidence": "edit",
    # Documents
    "/staff/letters/<int:letter_id>/documents": "view",
    "/staff/documents/<int:document_id>.pdf": "view",
    "/staff/documents/<int:document_id>/retry": "edit",
    # Responses and the timeline
    "/staff/letters/<int:letter_id>/responses": "view",
    "/staff/letters/<int:letter_id>/responses/new": "edit",
    "/staff/letters/<int:letter_id>/responses/email": "edit",
    "/staff/responses/<int:response_id>": "view",
    "/staff/responses/<int:response_id>/edit": "edit",
    "/staff/responses/<int:response_id>/publish": "edit",
    "/staff/responses/<int:response_id>/attachments": "edit",
    "/staff/responses/<int:response_id>/attachments/<int:attachment_id>": "view",
    "/staff/responses/<int:response_id>/attachments/<int:attachment_id>/publish": "edit",
    "/staff/letters/<int:letter_id>/timeline": {"GET": "view", "POST": "edit"},
    "/staff/letters/<int:letter_id>/timeline/<int:event_id>": "edit",
    "/staff/letters/<int:letter_id>/timeline/<int:event_id>/accept": "edit",
    "/staff/letters/<int:letter_id>/timeline/<int:event_id>/evidence": "view",
    "/staff/letters/<int:letter_id>/timeline/term": "edit",
    # Cross-campaign: recipients registry, holding pen, outbox, staff accounts, audit log
    "/staff/recipients/": "staff",
    "/staff/recipients/<int:recipient_id>": "staff",
    "/staff/recipients/<int:recipient_id>/edit": "account_editor",
    "/staff/recipients/export.csv": "account_editor",
    "/staff/recipients/import": "account_editor",
    "/staff/recipients/import-template.csv": "account_editor",
    "/staff/recipients/new": "account_editor",
    "/staff/inbound": "account_editor",
    "/staff/inbound/<int:inbound_id>/assign": "account_editor",
    "/staff/inbound/<int:inbound_id>/discard": "account_editor",
    "/staff/inbound/<int:inbound_id>/move": "account_editor",
    "/staff/outbox/": "admin",
    "/staff/outbox/<int:message_id>": "admin",
    "/staff/outbox/<int:message_id>/attachment.pdf": "admin",
    "/staff/outbox/<int:message_id>/send-again": "admin",
    "/staff/users": "admin",
    "/staff/users/new": "admin",
    "/staff/users/<int:user_id>": "admin",
    "/staff/users/<int:user_id>/roles": "admin",
    "/staff/users/<int:user_id>/active": "admin",
    "/staff/audit": "account_editor",
    "/staff/audit/export.csv": "account_editor",
    # API
    "/api/v1/openapi.json": "public",
    "/api/v1/documents/verify": "public",
    "/api/v1/letters/<int:letter_id>/signatories": "public",
    "/api/v1/letters/<int:letter_id>/timeline": "public",
    "/api/v1/campaigns": {"GET": "staff", "POST": "account_editor"},
    "/api/v1/campaigns/<int:campaign_id>": "view",
    "/api/v1/campaigns/<int:campaign_id>/letters": "edit",
    "/api/v1/letters/<int:letter_id>": {"GET": "view", "PATCH": "edit"},
    "/api/v1/letters/<int:letter_id>/approval": "edit",
    "/api/v1/letters/<int:letter_id>/transitions": "edit",
    "/api/v1/letters/<int:letter_id>/versions": "view",
    "/api/v1/letters/<int:letter_id>/pdf": "view",
    "/api/v1/letters/<int:letter_id>/deliveries": {"GET": "view", "POST": "edit"},
    "/api/v1/letters/<int:letter_id>/delivery-batches": "edit",
    "/api/v1/letters/<int:letter_id>/events": "edit",
    "/api/v1/letters/<int:letter_id>/responses": "edit",
    "/api/v1/letters/<int:letter_id>/signatures": {"GET": "view", "POST": "edit"},
    "/api/v1/deliveries/<int:delivery_id>": "view",
    "/api/v1/deliveries/<int:delivery_id>/transitions": "edit",
    "/api/v1/delivery-batches/<int:batch_id>": "view",
    "/api/v1/documents/<token>": "view",
    "/api/v1/responses/<int:response_id>": "view",
    "/api/v1/signatures/<int:signature_id>/transitions": "edit",
    "/api/v1/privacy/erase": "admin",
    "/api/v1/recipients": {"GET": "staff", "POST": "account_editor"},
    "/api/v1/recipients/<int:recipient_id>": {"GET": "staff", "PATCH": "account_editor"},
}

#: outsider: an editor account with no campaign; viewer: a viewer account, viewer of this campaign;
#: other_editor: editor of another campaign only; editor: editor of this campaign; admin.
PERSONAS = ("anonymous", "outsider", "viewer", "other_editor", "editor", "admin")

#: What each kind answers each persona: "ok" (let through), "login", or a refusal status.
EXPECTED = {
    "view": ("login", 404, "ok", 404, "ok", "ok"),
    "edit": ("login", 404, 403, 404, "ok", "ok"),
    "staff": ("login", "ok", "ok", "ok", "ok", "ok"),
    "account_editor": ("login", "ok", 403, "ok", "ok", "ok"),
    "admin": ("login", 403, 403, 403, 403, "ok"),
}


def kind_of(rule, method):
    entry = MATRIX[rule]
    return entry if isinstance(entry, str) else entry[method]
