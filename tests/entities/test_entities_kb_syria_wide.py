"""The knowledge base reaches beyond the north-west: the south, Damascus and its countryside, the east,
prisons and bases, neighbouring-country places, state security bodies, SDF and SNA components, officials
and envoys (invented sentences)."""

import pytest

from pipelines.entities import find_mentions, load_kb


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def links(text, kb, published=None):
    return {(m.surface, m.entity_id) for m in find_mentions(text, kb, published)}


@pytest.mark.parametrize(
    ("text", "surface", "entity_id"),
    [
        ("Shelling hit Darayya and Harasta overnight.", "Darayya", "loc:darayya"),
        ("Shelling hit Darayya and Harasta overnight.", "Harasta", "loc:harasta"),
        ("Residents of Moadamiyat al-Sham fled.", "Moadamiyat al-Sham", "loc:moadamiyeh"),
        ("Fighting spread to Izraa and Sanamayn.", "Izraa", "loc:izra"),
        ("Clashes erupted in Salkhad, south of the city.", "Salkhad", "loc:salkhad"),
        ("Drones struck near Khan Arnabah.", "Khan Arnabah", "loc:khan-arnabah"),
        ("Tribal fighters took Ashara and Gharanij.", "Gharanij", "loc:gharanij"),
        ("The convoy reached Albukamal at dawn.", "Albukamal", "loc:abu-kamal"),
        ("Detainees were held in Saydnaya prison for years.", "Saydnaya prison", "loc:saydnaya-prison"),
        ("Missiles struck the Mezzeh airbase.", "Mezzeh airbase", "loc:mezzeh-airbase"),
        ("Missiles struck the Shayrat airbase.", "Shayrat airbase", "loc:shayrat-airbase"),
        ("Refugees in the Zaatari camp protested.", "Zaatari camp", "loc:zaatari"),
        ("He crossed into the Bekaa Valley.", "Bekaa Valley", "loc:bekaa"),
        ("Strikes hit PKK positions in the Qandil Mountains.", "Qandil Mountains", "loc:qandil"),
        ("Officials in Nineveh province said.", "Nineveh province", "loc:nineveh"),
        ("The Men of Dignity said it would respond.", "Men of Dignity", "grp:men-of-dignity"),
        ("The Manbij Military Council withdrew.", "Manbij Military Council", "grp:manbij-military-council"),
        ("Shelling by the Fourth Division hit the town.", "Fourth Division", "grp:fourth-armoured-division"),
        ("Faylaq al-Majd fighters advanced.", "Faylaq al-Majd", "grp:faylaq-al-majd"),
        (
            "He was held by Air Force Intelligence.",
            "Air Force Intelligence",
            "org:syrian-air-force-intelligence",
        ),
        ("The Arab League readmitted Syria.", "Arab League", "org:arab-league"),
        ("Esmail Qaani visited Damascus.", "Esmail Qaani", "per:esmail-qaani"),
        ("Sheikh Hikmat al-Hijri called for calm.", "Hikmat al-Hijri", "per:hikmat-al-hijri"),
        ("Abu Amsha's men seized the land.", "Abu Amsha", "per:abu-amsha"),
    ],
)
def test_syria_wide_names_link(kb, text, surface, entity_id):
    got = links(text, kb)
    assert (surface, entity_id) in got, got


def test_new_places_sit_under_their_governorate(kb):
    for place, parent in [
        ("loc:darayya", "loc:rif-dimashq"),
        ("loc:salkhad", "loc:suwayda"),
        ("loc:khan-arnabah", "loc:quneitra"),
        ("loc:tal-brak", "loc:hasakah"),
        ("loc:saydnaya-prison", "loc:sednaya"),
    ]:
        assert kb.get(place).parent == parent
        assert kb.get(kb.get(place).parent) is not None


def test_sdf_components_are_members_of_the_sdf(kb):
    rows = {(r["from_entity_id"], r["relation"], r["to_entity_id"]) for r in kb.lineage_rows()}
    assert ("grp:deir-ez-zor-military-council", "member_of", "grp:syrian-democratic-forces") in rows


def test_drc_needs_support(kb):
    # DRC is also the Democratic Republic of the Congo: alone it must not link to the refugee council
    assert ("DRC", "org:danish-refugee-council") not in links("Fighting in the DRC continued.", kb)
    assert ("DRC", "org:danish-refugee-council") in links(
        "The Danish Refugee Council (DRC) said. The DRC added that aid was late.", kb
    )
