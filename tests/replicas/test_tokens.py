"""Consistency tokens, the replica policy and the store's refusals (no database needed)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine as sa_create_engine

from newscms.errors import ValidationError
from newscms.store import Store, create_engine
from newscms.store.replicas import (
    CONSISTENCY_COOKIE,
    CONSISTENCY_HEADER,
    ReplicaPolicy,
    consistency_cookie,
    lsn_value,
    request_token,
)


def test_tokens_compare_as_wal_positions():
    assert lsn_value("0/0") == 0
    assert lsn_value("1/0") == 1 << 32
    assert lsn_value("0/FFFFFFFF") < lsn_value("1/0") < lsn_value("1/A")
    assert lsn_value("16/b374d848") == lsn_value("16/B374D848")


@pytest.mark.parametrize("token", ["", "0", "0/", "/1", "G/1", "123456789/0", "0/1 ", 17, None])
def test_anything_else_is_refused(token):
    with pytest.raises(ValidationError, match="consistency token") as refused:
        lsn_value(token)
    assert refused.value.field == "after"


def test_a_request_presents_a_header_first_then_a_cookie_and_never_garbage():
    assert request_token({CONSISTENCY_HEADER: "1/2"}, {CONSISTENCY_COOKIE: "3/4"}) == "1/2"
    assert request_token({}, {CONSISTENCY_COOKIE: "3/4"}) == "3/4"
    assert request_token({CONSISTENCY_HEADER: "x"}, {CONSISTENCY_COOKIE: "3/4"}) == "3/4"
    assert request_token({CONSISTENCY_HEADER: "1/2; evil=1"}, {}) is None
    assert request_token({}, {}) is None


def test_the_cookie_carries_only_a_token():
    cookie = consistency_cookie("A/1F", ReplicaPolicy(token_max_age=60))
    assert cookie == f"{CONSISTENCY_COOKIE}=A/1F; Max-Age=60; Path=/; HttpOnly; SameSite=Lax"
    with pytest.raises(ValidationError):
        consistency_cookie("A/1F\r\nSet-Cookie: x=1", ReplicaPolicy())


@pytest.mark.parametrize("field", ["max_lag", "wait", "retry_after", "check_every"])
@pytest.mark.parametrize("value", [-1, "1", True, float("nan")])
def test_a_policy_takes_non_negative_seconds(field, value):
    with pytest.raises(ValidationError) as refused:
        ReplicaPolicy(**{field: value})
    assert refused.value.field == field


def test_replicas_are_postgresql_replicas_of_postgresql(tmp_path):
    with pytest.raises(ValidationError, match="PostgreSQL") as refused:
        Store(f"sqlite:///{tmp_path / 'a.db'}", replicas=[f"sqlite:///{tmp_path / 'b.db'}"])
    assert refused.value.field == "replicas"
    with pytest.raises(ValidationError, match="list"):
        Store("postgresql://h/db", replicas="postgresql://r/db")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="got int"):
        Store("postgresql://h/db", replicas=[1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="ReplicaPolicy"):
        Store("postgresql://h/db", replica_policy={"wait": 1})  # type: ignore[arg-type]
    store = Store("postgresql://h/db", replicas=["postgresql://r/db"])
    assert [engine.url.host for engine in store.replicas] == ["r"]
    assert store.consistency_token is None
    assert Store("postgresql://h/db").replicas == ()


def test_transaction_pooling_turns_off_prepared_statements_and_stays_in_the_url():
    engine = create_engine("postgresql://h/db", transaction_pooling=True)
    assert engine.url.query["prepare_threshold"] == "none"
    # The URL handed on (to the CLI, to a worker) makes an engine just like it.
    again = create_engine(engine.url.render_as_string(hide_password=False))
    assert again.url == engine.url
    with pytest.raises(ValidationError, match="PostgreSQL only"):
        create_engine("mysql://h/db", transaction_pooling=True)
    with pytest.raises(ValidationError, match="prepare_threshold"):
        create_engine("postgresql://h/db?prepare_threshold=often")


def test_the_url_spelling_reaches_psycopg_as_it_wants_it():
    """``do_connect`` turns the URL's text into None or an int before psycopg sees it."""
    engine = create_engine("postgresql://h/db?prepare_threshold=none")
    params: dict[str, object] = {"prepare_threshold": "none"}
    engine.dialect.dispatch.do_connect(engine.dialect, None, [], params)
    assert params["prepare_threshold"] is None
    params = {"prepare_threshold": "0"}
    engine.dialect.dispatch.do_connect(engine.dialect, None, [], params)
    assert params["prepare_threshold"] == 0
    # A host's own engine given to the store gets the same care.
    own = sa_create_engine("postgresql+psycopg://h/db?prepare_threshold=none")
    Store(own)
    params = {"prepare_threshold": "none"}
    own.dialect.dispatch.do_connect(own.dialect, None, [], params)
    assert params["prepare_threshold"] is None
