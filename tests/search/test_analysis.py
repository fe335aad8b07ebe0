from whoosh.analysis import Token

from portal.search.analysis import STOP_WORDS, SpanishAnalyzer, fold, stem


def test_fold_removes_accents_and_case_keeping_length():
    assert fold("Matrícula ÑANDÚ Güemes") == "matricula nandu guemes"
    for text in ("Educación en Potosí", "İstanbul 한국 e\u0301", "Ωμέγα – “cita”"):
        assert len(fold(text)) == len(text)
    assert fold("İSTANBUL Ωμέγα") == "istanbul ωμεγα"


def test_accented_unaccented_and_plural_forms_share_a_stem():
    groups = [
        ("información", "informacion", "informaciones"),
        ("educación", "educacion"),
        ("escolar", "escolares"),
        ("municipal", "municipales"),
        ("matrícula", "matriculas"),
        ("país", "paises", "países"),
        ("tecnología", "tecnologias"),
    ]
    for forms in groups:
        assert len({stem(fold(form)) for form in forms}) == 1, forms


def test_different_words_keep_different_stems():
    assert stem("salud") != stem("escolar")


def test_stop_words_are_dropped_and_positions_stay_contiguous():
    analyzer = SpanishAnalyzer()
    tokens = [(t.text, t.pos) for t in analyzer("Ministerio de la Salud", positions=True)]
    assert tokens == [(stem("ministerio"), 0), (stem("salud"), 1)]
    assert "de" in STOP_WORDS


def test_fast_term_list_matches_the_token_stream():
    analyzer = SpanishAnalyzer()
    text = "Las matrículas escolares de Cochabamba, según el Ministerio de Educación (2024)."
    assert analyzer.terms(text) == [t.text for t in analyzer(text)]


def test_character_offsets_point_into_the_original_text():
    text = "Población de Potosí"
    tokens: list[Token] = [t.copy() for t in SpanishAnalyzer()(text, chars=True)]
    assert [text[t.startchar:t.endchar] for t in tokens] == ["Población", "Potosí"]
