"""Entity names typed by a person resolve to one IRI, or fail with a message that helps."""

from __future__ import annotations

import pytest
from view_graph import make_store

from kg.resolve import EntityName, ResolveError, entity_names, resolve_entity, resolve_in
from kg.vocab import entity_iri


@pytest.fixture(scope="module")
def store():
    return make_store()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unodc", "unodc"),  # id
        ("id:kg-sms", "kg-sms"),  # prefixed id
        ("United Nations Office on Drugs and Crime", "unodc"),  # label
        ("  united nations office on drugs and crime ", "unodc"),  # case and spaces
        ("UNODC", "unodc"),  # alias
        ("мвд рк", "kz-mvd"),  # Cyrillic alias, other case
        ("ГОСУДАРСТВЕННАЯ МИГРАЦИОННАЯ СЛУЖБА", "kg-sms"),
        (entity_iri("bishkek"), "bishkek"),  # full IRI
    ],
)
def test_resolves_id_label_alias(store, text, expected):
    assert resolve_entity(store, text) == entity_iri(expected)


def test_label_wins_over_alias(store):
    # 'Bishkek' is only an alias of the city labelled 'Бишкек'; still one match
    assert resolve_entity(store, "Bishkek") == entity_iri("bishkek")


def test_ambiguous_name_lists_candidates(store):
    with pytest.raises(ResolveError) as err:
        resolve_entity(store, "interior ministry")
    message = str(err.value)
    assert "ambiguous" in message
    assert "kg-mvd" in message and "kz-police" in message


def test_unknown_name_suggests_close_names(store):
    with pytest.raises(ResolveError) as err:
        resolve_entity(store, "Ministry of Internal Affair of Kazakstan")
    assert "no entity is called" in str(err.value)
    assert "kz-mvd" in str(err.value)


def test_unknown_short_text_suggests_nothing_silly(store):
    with pytest.raises(ResolveError) as err:
        resolve_entity(store, "q")
    assert "Did you mean" not in str(err.value)


def test_empty_text_is_an_error(store):
    with pytest.raises(ResolveError):
        resolve_in(entity_names(store), "   ")


def test_a_name_only_an_article_uses_is_not_resolved_but_explained():
    entities = [
        EntityName(
            entity_iri("kz-mvd"), "kz-mvd", "Interior Ministry of Kazakhstan", (), ("the Ministry",)
        ),
        EntityName(entity_iri("kg-mvd"), "kg-mvd", "Interior Ministry of Kyrgyzstan", (), ()),
    ]
    with pytest.raises(ResolveError) as err:
        resolve_in(entities, "The Ministry")
    assert "only how articles write kz-mvd" in str(err.value)
    assert resolve_in(entities, "interior ministry of kyrgyzstan") == entity_iri("kg-mvd")
