"""convert-nllb on a tiny randomly initialised M2M-100 model saved locally (no download)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sentencepiece

from translations.convert import convert_nllb
from translations.engine import ArgosEngine
from translations.errors import InvalidPackage
from translations.packages import PackageStore

transformers = pytest.importorskip(
    "transformers", reason="convert-nllb needs the optional extra: transformers<5 and CPU torch"
)
torch = pytest.importorskip("torch", reason="convert-nllb needs the optional extra: CPU torch")

CORPUS = [
    "the president said on monday that talks will continue",
    "президент дүйсенбі күні келіссөздер жалғасатынын айтты",
    "президент заявил в понедельник что переговоры продолжатся",
]
LANGUAGE_TOKEN = re.compile(r"__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}")


@pytest.fixture(scope="module")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer M2M-100 with seeded random weights and its own SentencePiece tokenizer."""
    from transformers import M2M100Config, M2M100ForConditionalGeneration
    from transformers.models.m2m_100 import tokenization_m2m_100 as m2m

    root = tmp_path_factory.mktemp("m2m100")
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 20),
        model_prefix=str(root / "sentencepiece.bpe"),
        vocab_size=60,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(root / "sentencepiece.bpe.model")
    )
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in (processor.id_to_piece(i) for i in range(processor.get_piece_size())):
        vocab.setdefault(piece, len(vocab))
    (root / "vocab.json").write_text(json.dumps(vocab))
    tokenizer = m2m.M2M100Tokenizer(
        vocab_file=str(root / "vocab.json"),
        spm_file=str(root / "sentencepiece.bpe.model"),
        additional_special_tokens=[f"__{c}__" for c in m2m.FAIRSEQ_LANGUAGE_CODES["m2m100"]],
    )
    torch.manual_seed(0)
    config = M2M100Config(
        vocab_size=len(tokenizer) + tokenizer.num_madeup_words,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
        max_position_embeddings=128,
    )
    model_dir = root / "hf-model"
    M2M100ForConditionalGeneration(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


def test_converted_model_installs_and_serves_every_direction(
    tiny_m2m100: Path, tmp_path: Path
) -> None:
    package = convert_nllb(tiny_m2m100, tmp_path / "m2m.argosmodel", ["kk", "ru", "en"], "int8")
    store = PackageStore(tmp_path / "packages")

    info = store.install(package)
    engine = ArgosEngine(store, max_decoding_length=16)
    to_english = engine.translate(CORPUS[1:2], "kk", "en")
    to_russian = engine.translate(CORPUS[1:2], "kk", "ru")

    assert info.code == "translate-kk_ru_en-1_0"
    assert dict(info.target_tokens) == {"kk": "__kk__", "ru": "__ru__", "en": "__en__"}
    assert to_english[0].route.label == "kk→en via translate-kk_ru_en 1.0"
    assert to_russian[0].route.label == "kk→ru via translate-kk_ru_en 1.0"
    assert engine.stats.models_loaded == 1
    for translation in [*to_english, *to_russian]:
        assert not LANGUAGE_TOKEN.search(translation.text)
        assert "madeupword" not in translation.text


def test_unknown_language_is_refused_with_a_reason(tiny_m2m100: Path, tmp_path: Path) -> None:
    with pytest.raises(InvalidPackage, match="no language token for 'xx'"):
        convert_nllb(tiny_m2m100, tmp_path / "bad.argosmodel", ["kk", "xx"])
    assert not (tmp_path / "bad.argosmodel").exists()
