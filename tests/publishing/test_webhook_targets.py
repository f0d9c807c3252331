"""Webhooks never reach private addresses: refused at registration, at delivery, and by redirect."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess

import pytest

PUBLIC = "93.184.215.14"
LOCAL_DNS_NAME = "hooks.partner.test"


@pytest.fixture
def app(make_app):
    """The production default, set explicitly: private webhook targets are refused."""
    return make_app(WEBHOOK_ALLOW_PRIVATE=False)


class FakeDns:
    """Answers for chosen names, one list of addresses (or None: no such name) per lookup."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str] | None]] = {}
        self.lookups: list[str] = []

    def set(self, name: str, *answers: list[str] | None) -> None:
        """Successive lookups of ``name`` get these answers; the last one repeats."""
        self.answers[name] = list(answers)


@pytest.fixture
def dns(monkeypatch) -> FakeDns:
    """socket.getaddrinfo with fake names; everything else resolves for real."""
    real, fake = socket.getaddrinfo, FakeDns()

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if host not in fake.answers:
            return real(host, port, family, type, proto, flags)
        fake.lookups.append(host)
        queue = fake.answers[host]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, int(port or 0), 0, 0)) if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port or 0)))
                for a in answer]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fake


def _register(app, url: str, allow_private: bool = False) -> tuple[int, str | None, str | None]:
    """Create a partner and set its webhook in one transaction: (id, stored URL, warning)."""
    from workflow.partners.admin import create_partner, set_webhook

    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        partner, _key, _secret = create_partner(session, f"P {url[:150]}", "kk")
        partner, warning = set_webhook(session, partner.id, url, allow_private=allow_private,
                                       box=app.extensions["audarma.secrets"])
        return partner.id, partner.webhook_url, warning


def _partners(app) -> int:
    from workflow.models import Partner

    with app.app_context():
        return app.extensions["audarma.db"].session.query(Partner).count()


@pytest.mark.parametrize(("url", "reason"), [
    ("http://127.0.0.1/hook", "loopback"),
    ("http://10.20.30.40:8080/hook", "private"),
    ("http://192.168.1.1/hook", "private"),
    ("http://172.16.5.4/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://[::1]/hook", "loopback"),
    ("http://[fe80::1]/hook", "link-local"),
    ("https://[fd12:3456::1]/hook", "private"),
    ("http://224.0.0.251/hook", "multicast"),
    ("http://0.0.0.0:8000/hook", "unspecified"),
    ("http://240.0.0.1/hook", "reserved"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://2130706433/hook", "loopback"),  # 127.0.0.1 as one decimal number
    ("http://localhost:5000/hook", "loopback"),  # a real name that resolves to loopback
])
def test_registration_refuses_private_addresses(app, url, reason):
    from workflow.errors import DomainError

    with pytest.raises(DomainError) as refused:
        _register(app, url)
    assert refused.value.code == "webhook_address_blocked" and refused.value.status == 422
    assert reason in refused.value.message
    assert _partners(app) == 0  # the whole transaction rolled back: nothing stored


def test_registration_refuses_names_resolving_private_and_mixed_answers(app, dns):
    from workflow.errors import DomainError

    dns.set("intranet.partner.test", ["127.0.0.1"])
    dns.set("mixed.partner.test", [PUBLIC, "10.0.0.5"])
    for url, shown in (("https://intranet.partner.test/hook", "intranet.partner.test (127.0.0.1)"),
                       ("https://mixed.partner.test/hook", "mixed.partner.test (10.0.0.5)")):
        with pytest.raises(DomainError) as refused:
            _register(app, url)
        assert refused.value.code == "webhook_address_blocked"
        assert shown in refused.value.message


@pytest.mark.parametrize(("url", "code"), [
    ("http://user:secret@example.org/hook", "webhook_url_userinfo"),
    ("https://partner.example@127.0.0.1/hook", "webhook_url_userinfo"),
    ("gopher://example.org/hook", "bad_webhook_url"),
    ("file:///etc/passwd", "bad_webhook_url"),
    ("http://example.org:99999/hook", "bad_webhook_url"),
    ("http://example.org/ho\nok", "bad_webhook_url"),
])
def test_registration_refuses_other_schemes_and_userinfo_even_when_private_is_allowed(app, url,
                                                                                      code):
    from workflow.errors import DomainError

    with pytest.raises(DomainError) as refused:
        _register(app, url, allow_private=True)
    assert refused.value.code == code


def test_public_targets_are_accepted_and_unresolved_names_saved_with_a_warning(app, dns):
    dns.set(LOCAL_DNS_NAME, [PUBLIC])
    dns.set("not-yet.partner.test", None)
    assert _register(app, "https://8.8.8.8/hook")[1:] == ("https://8.8.8.8/hook", None)
    assert _register(app, f"https://{LOCAL_DNS_NAME}/h?x=1")[1:] == (
        f"https://{LOCAL_DNS_NAME}/h?x=1", None)
    _id, stored, warning = _register(app, "https://not-yet.partner.test/hook")
    assert stored == "https://not-yet.partner.test/hook"
    assert "does not resolve" in warning and "every delivery checks" in warning
    # the development switch lets private targets through
    assert _register(app, "http://127.0.0.1:9/hook", allow_private=True)[1:] == (
        "http://127.0.0.1:9/hook", None)


def test_admin_page_shows_the_refusal_and_honours_the_setting(make_app, make_user, monkeypatch):
    from workflow.models import Partner

    monkeypatch.delenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE", raising=False)
    for allow, stored in ((False, None), (True, "http://127.0.0.1:9/hook")):
        app = make_app(WEBHOOK_ALLOW_PRIVATE=allow)
        partner_id, _url, _warning = _register(app, "")
        make_user("admin", email="boss@example.test", app=app)
        client = app.test_client()
        client.post("/login", data={"email": "boss@example.test", "password": "password123"})
        for url in ("http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/hook"):
            answer = client.post(f"/admin/partners/{partner_id}/webhook",
                                 data={"webhook_url": url})
            assert answer.status_code == 302
        page = client.get(f"/admin/partners/{partner_id}").get_data(as_text=True)
        assert ("169.254.169.254 is link-local (cloud metadata)" in page) is not allow
        with app.app_context():
            assert app.extensions["audarma.db"].session.get(
                Partner, partner_id).webhook_url == stored


def test_the_setting_is_read_once_from_the_environment_and_config_wins(
        app, make_app, monkeypatch):
    from tasks.webhooks import allow_private

    monkeypatch.setenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE", "1")
    with app.app_context():
        assert allow_private() is False  # the app's config wins, and the app was built already
    monkeypatch.setenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE", "yes")
    from_env = make_app()
    with from_env.app_context():
        assert allow_private() is True
        assert from_env.extensions["audarma.settings"].webhook_allow_private is True
    monkeypatch.setenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE", "0")
    with make_app().app_context():
        assert allow_private() is False
    monkeypatch.delenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE")
    with make_app().app_context():
        assert allow_private() is False  # default: off


def _only_delivery(app, make_story, publish):
    from workflow.models import WebhookDelivery

    publish("publish_edition", make_story()["kk"], None)
    with app.app_context():
        (row,) = app.extensions["audarma.db"].session.query(WebhookDelivery).all()
        return row.id


def _row(app, delivery_id: int):
    from workflow.models import WebhookDelivery

    with app.app_context():
        session = app.extensions["audarma.db"].session
        row = session.get(WebhookDelivery, delivery_id)
        session.expunge(row)
        return row


def test_delivery_refuses_a_name_that_now_resolves_private(app, dns, receiver, make_partner,
                                                           make_story, publish):
    from tests.publishing.conftest import attempt_delivery

    hook = receiver(200)
    dns.set(LOCAL_DNS_NAME, [PUBLIC], ["127.0.0.1"])  # public when registered, loopback later
    make_partner(languages="kk", webhook_url=f"http://{LOCAL_DNS_NAME}:{hook.port}/hook")
    delivery_id = _only_delivery(app, make_story, publish)
    assert attempt_delivery(app.extensions["audarma.db"], delivery_id,
                            box=app.extensions["audarma.secrets"]).outcome == "failed"
    assert hook.requests == []
    row = _row(app, delivery_id)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 1, None)
    assert "webhook_address_blocked" in row.last_error
    assert f"{LOCAL_DNS_NAME} (127.0.0.1) is loopback" in row.last_error


def test_worker_task_fails_a_stored_private_url_once_without_retrying(app, make_partner,
                                                                      make_story, publish,
                                                                      monkeypatch):
    from tasks.webhooks import deliver
    from workflow.models import Partner

    monkeypatch.delenv("AUDARMA_WEBHOOK_ALLOW_PRIVATE", raising=False)
    partner_id, _kid, _secret = make_partner(languages="kk")
    with app.app_context(), app.extensions["audarma.db"].transaction() as session:
        # a URL stored before the check existed
        session.get(Partner, partner_id).webhook_url = "http://169.254.169.254/latest/meta-data/"
    delivery_id = _only_delivery(app, make_story, publish)
    with app.app_context():
        assert deliver.apply(kwargs={"delivery_id": delivery_id}).get() == "failed"
    row = _row(app, delivery_id)
    assert (row.state, row.attempts) == ("failed", 1)
    assert "cloud metadata" in row.last_error


def test_redirects_are_never_followed(app, receiver, make_story, publish):
    from tests.publishing.conftest import attempt_delivery

    target = receiver(200)
    hook = receiver(307, headers={"Location": target.url})
    _register(app, hook.url, allow_private=True)  # both receivers listen on 127.0.0.1
    delivery_id = _only_delivery(app, make_story, publish)
    outcome = attempt_delivery(app.extensions["audarma.db"], delivery_id, allow_private=True,
                               box=app.extensions["audarma.secrets"])
    assert outcome.outcome == "retry" and len(hook.requests) == 1 and target.requests == []
    row = _row(app, delivery_id)
    assert row.last_status == 307 and "not followed" in row.last_error


def test_delivery_connects_to_the_address_it_checked_without_looking_up_again(
        app, dns, receiver, make_story, publish):
    from tests.publishing.conftest import attempt_delivery

    hook = receiver(200)
    # registration and the delivery check see 127.0.0.1; any later lookup would fail
    dns.set(LOCAL_DNS_NAME, ["127.0.0.1"], ["127.0.0.1"], None)
    _register(app, f"http://{LOCAL_DNS_NAME}:{hook.port}/hook?p=1", allow_private=True)
    delivery_id = _only_delivery(app, make_story, publish)
    outcome = attempt_delivery(app.extensions["audarma.db"], delivery_id, allow_private=True,
                               box=app.extensions["audarma.secrets"])
    assert outcome.outcome == "delivered", _row(app, delivery_id).last_error
    assert dns.lookups == [LOCAL_DNS_NAME, LOCAL_DNS_NAME]
    (_at, headers, _body), = hook.requests
    assert headers["Host"] == f"{LOCAL_DNS_NAME}:{hook.port}"


def _certificates(folder, name: str) -> tuple[str, str, str]:
    """A throwaway CA and a server certificate for ``name``: (ca.pem, cert.pem, key.pem)."""
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
            "-subj", "/CN=Webhook test CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", *ec, "-keyout", "key.pem", "-out", "leaf.csr", "-subj", f"/CN={name}")
    (folder / "leaf.ext").write_text(f"subjectAltName=DNS:{name}\nbasicConstraints=CA:FALSE\n"
                                     "extendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "cert.pem", "-days", "1", "-extfile", "leaf.ext")
    return str(folder / "ca.pem"), str(folder / "cert.pem"), str(folder / "key.pem")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_https_to_the_checked_address_still_verifies_the_name(app, dns, receiver, make_story,
                                                              publish, tmp_path, monkeypatch):
    from tests.publishing.conftest import attempt_delivery
    from workflow.models import WebhookDelivery

    ca, cert, key = _certificates(tmp_path, LOCAL_DNS_NAME)
    monkeypatch.setenv("SSL_CERT_FILE", ca)  # the client trusts only the throwaway CA
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    hook = receiver(200, tls=tls)
    dns.set(LOCAL_DNS_NAME, ["127.0.0.1"])
    dns.set("impostor.partner.test", ["127.0.0.1"])
    _register(app, f"https://{LOCAL_DNS_NAME}:{hook.port}/hook", allow_private=True)
    _register(app, f"https://impostor.partner.test:{hook.port}/hook", allow_private=True)
    publish("publish_edition", make_story()["kk"], None)
    with app.app_context():
        ids = [d.id for d in app.extensions["audarma.db"].session.query(WebhookDelivery)
               .order_by(WebhookDelivery.id)]
    outcomes = [attempt_delivery(app.extensions["audarma.db"], i, allow_private=True,
                                 box=app.extensions["audarma.secrets"]).outcome
                for i in ids]
    # the same server, but its certificate does not name the impostor
    assert outcomes == ["delivered", "retry"]
    assert "doesn't match 'hooks.partner.test'" in _row(app, ids[1]).last_error
    assert len(hook.requests) == 1
