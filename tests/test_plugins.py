"""A judge of one's own: README's 'Adding a judge' example, loaded as a config plugin and run."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from judges.clip import Clip
from judges.errors import InputError
from judges.registry import build_judge, judges_from_config
from judges.runner import run_judges

README = Path(__file__).resolve().parents[1] / "README.md"


def _readme_blocks(language: str) -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Adding a judge", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


@pytest.fixture(scope="module")
def plugin_config(tmp_path_factory) -> Path:
    # one file for the module's tests: a plugin registers its type once per file (another file may not take the name)
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "my_judge.py").write_text(_readme_blocks("python")[0], encoding="utf-8")
    config = folder / "judges.toml"
    config.write_text(_readme_blocks("toml")[0], encoding="utf-8")
    return config


def test_the_readmes_judge_listed_as_a_config_plugin_is_built_and_judges(plugin_config):
    (judge,) = judges_from_config(plugin_config)
    out = run_judges([judge], [Clip("c1", subtitle="Thanks, and sorry again."), Clip("c2")], progress=False)
    assert out["kw"]["c1"].words == ["grateful", "sad"]
    assert not out["kw"]["c2"].ok and "no subtitle" in out["kw"]["c2"].error


def test_the_readmes_generative_judge_listed_as_a_config_plugin_judges_a_video(tmp_path):
    # the README said nothing of GenerativeJudge, setup()/generation_limits(), Answer or what transient does to caching
    from tests.media_fixtures import make_clip

    (tmp_path / "bright_judge.py").write_text(_readme_blocks("python")[1], encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./bright_judge.py"]\n\n[[judge]]\ntype = "bright"\nnum_frames = 2\n', encoding="utf-8")
    (judge,) = judges_from_config(config)
    video = make_clip(tmp_path / "clip.mp4", seconds=0.4, width=32, height=32, with_audio=False)
    out = run_judges([judge], [Clip.from_path(video), Clip("no-video")], progress=False)
    assert out["bright"]["clip"].words in (["happy", "calm"], ["sad", "tired"])
    assert out["bright"]["no-video"].error == "no-video: no video file; this judge needs the clip's media"
    assert {"model", "max_new_tokens", "seed"} <= set(judge.cache_identity())


def test_reading_a_plugin_config_twice_is_no_error(plugin_config):
    judges_from_config(plugin_config)
    assert [j.name for j in judges_from_config(plugin_config)] == ["kw"]


@pytest.mark.parametrize("config_first", [False, True])
def test_a_plugin_imported_as_a_module_and_listed_in_a_config_is_one_judge_type(plugin_config, monkeypatch, config_first):
    # both routes of the README at once: the config's import of the file refused the type its module had registered
    monkeypatch.syspath_prepend(str(plugin_config.parent))
    monkeypatch.delitem(sys.modules, "my_judge", raising=False)
    if config_first:
        judges_from_config(plugin_config)
    import my_judge

    (judge,) = judges_from_config(plugin_config)
    assert type(judge).__qualname__ == my_judge.KeywordJudge.__qualname__ == "KeywordJudge"
    assert build_judge("keyword", name="k").name == "k"
    monkeypatch.delitem(sys.modules, "my_judge", raising=False)


def test_a_misspelt_plugin_file_gets_did_you_mean_the_file_beside_it(tmp_path):
    # it said 'no such file' and nothing of ./exclaim_judge.py beside it
    (tmp_path / "exclaim_judge.py").write_text("x = 1\n", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./exclam_judge.py"]\n[[judge]]\ntype = "keyword"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"plugin './exclam_judge\.py': no such file \(.*\); paths are relative to the config file; "
                                         r"did you mean '\./exclaim_judge\.py'\?$"):
        judges_from_config(config)


def test_a_misspelt_plugin_file_in_a_subfolder_gets_did_you_mean_with_its_folder_as_written(tmp_path):
    # it said 'exclaim_judge.py', a file beside the config, not the one in sub/
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "exclaim_judge.py").write_text("x = 1\n", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./sub/exclam_judge.py"]\n[[judge]]\ntype = "keyword"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"; did you mean '\./sub/exclaim_judge\.py'\?$"):
        judges_from_config(config)


def test_a_plugin_that_is_a_folder_is_not_told_to_mean_itself(tmp_path):
    # ./judge.py, a folder, was 'no such file (...); did you mean 'judge.py'?'
    (tmp_path / "judge.py").mkdir()
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./judge.py"]\n[[judge]]\ntype = "keyword"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"no such file \(.*\); paths are relative to the config file$"):
        judges_from_config(config)


def test_the_plugins_judge_keys_its_cache_on_its_keywords(plugin_config):
    judges_from_config(plugin_config)
    assert build_judge("keyword", keywords={"a": "happy"}).cache_identity() != build_judge("keyword", keywords={"a": "sad"}).cache_identity()


def test_a_misspelt_parameter_of_a_plugins_judge_gets_did_you_mean(plugin_config):
    judges_from_config(plugin_config)
    with pytest.raises(InputError, match="did you mean 'keywords'"):
        build_judge("keyword", keywrds={"a": "happy"})


@pytest.mark.parametrize("plugin, problem", [
    ("./nowhere.py", r"plugin './nowhere.py': no such file"),
    ("./broken.py", r"plugin './broken.py' failed to import: RuntimeError: no model here"),
    ("no_such_module_here", r"plugin 'no_such_module_here': cannot import it"),
    ("./my_judge.txt", r"plugin './my_judge.txt': my_judge.txt is not a Python file; give the plugin's .py file"),
])
def test_a_plugin_that_cannot_be_imported_is_a_one_line_error_naming_it_and_why(tmp_path, plugin, problem):
    (tmp_path / "broken.py").write_text("raise RuntimeError('no model here')\n", encoding="utf-8")
    (tmp_path / "my_judge.txt").write_text("x = 1\n", encoding="utf-8")  # a plugin saved without .py (a .py.txt download)
    config = tmp_path / "judges.toml"
    config.write_text(f'plugins = ["{plugin}"]\n[[judge]]\ntype = "keyword"\n', encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        judges_from_config(config)


def test_an_unknown_judge_type_points_to_plugins(tmp_path):
    with pytest.raises(InputError, match=r"unknown judge type 'keywrd'.*list its file in the config's plugins"):
        build_judge("keywrd")


def test_a_plugins_judge_may_take_a_parameter_named_like_a_path_that_is_not_text(tmp_path):
    # a built-in judge's model or path is a file; a plugin's 'model = 3' was refused as 'model = 3 is not a path'
    (tmp_path / "versioned.py").write_text(
        "from judges.base import Judge\nfrom judges.registry import register_judge\n\n"
        "@register_judge('versioned-plugin-judge')\nclass Versioned(Judge):\n"
        "    def __init__(self, name='v', model=1):\n        self.name, self.model = name, model\n\n"
        "    def judge_batch(self, clips):\n        return []\n", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./versioned.py"]\n[[judge]]\ntype = "versioned-plugin-judge"\nname = "v"\nmodel = 3\n', encoding="utf-8")
    (judge,) = judges_from_config(config)
    assert judge.model == 3


def _write_plugin(folder: Path, file_name: str, type_name: str, cls: str = "Plain",
                  init: str = "(self, name='p'):\n        self.name = name", more: str = "") -> None:
    """A plugin file registering the judge class ``cls`` as ``type_name``: ``init``, its __init__'s signature and body;
    ``more``, the rest of its class after judge_batch."""
    (folder / file_name).write_text(
        "from judges.base import Judge\nfrom judges.registry import register_judge\n\n"
        f"@register_judge({type_name!r})\nclass {cls}(Judge):\n"
        f"    def __init__{init}\n\n"
        "    def judge_batch(self, clips):\n        return []\n" + more, encoding="utf-8")


def _plugin_config(folder: Path, file_name: str, type_name: str, judge: str = "") -> Path:
    """``folder``'s judges.toml listing the plugin ``file_name`` and one judge of ``type_name`` (``judge``: its other lines)."""
    config = folder / "judges.toml"
    config.write_text(f'plugins = ["./{file_name}"]\n[[judge]]\ntype = "{type_name}"\n{judge}', encoding="utf-8")
    return config


def test_a_plugin_judges_empty_path_is_its_own_to_read_not_refused(tmp_path):
    # the config refuses path = "" of a built-in judge; a plugin gives its parameters its own meaning
    _write_plugin(tmp_path, "own_path.py", "own-path-plugin-judge", init="(self, name='p', path=None):\n        self.name, self.path = name, path")
    (judge,) = judges_from_config(_plugin_config(tmp_path, "own_path.py", "own-path-plugin-judge", 'path = ""\n'))
    assert judge.path == ""


def test_two_plugin_files_registering_one_type_name_is_an_error_naming_both_files(tmp_path):
    # it named the first by the module name the config's import made up, 'merov_cojudge_plugin_first_<hash>', and the second not at all
    _write_plugin(tmp_path, "first.py", "taken-twice-plugin-judge")
    _write_plugin(tmp_path, "second.py", "taken-twice-plugin-judge")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./first.py", "./second.py"]\n[[judge]]\ntype = "taken-twice-plugin-judge"\n', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        judges_from_config(config)
    assert str(raised.value) == (f"{config}: plugin './second.py' failed to import: ValueError: judge type 'taken-twice-plugin-judge' "
                                 f"is already registered by Plain ({tmp_path.resolve() / 'first.py'}); register Plain ({tmp_path.resolve() / 'second.py'}) "
                                 "under another name")


def test_a_plugin_judge_whose_init_raises_is_a_one_line_error_naming_the_judge_its_file_and_the_cause(tmp_path):
    # cojudge predict printed the whole traceback of the FileNotFoundError raised in the plugin's __init__
    _write_plugin(tmp_path, "needs_model.py", "needs-model-plugin-judge", "NeedsModel",
                  "(self, name='nm', weights='missing.bin'):\n        self.name = name\n        open(weights, 'rb')")
    config = _plugin_config(tmp_path, "needs_model.py", "needs-model-plugin-judge")
    with pytest.raises(InputError) as raised:
        judges_from_config(config)
    assert str(raised.value) == (f"{config}: judge #1: judge type 'needs-model-plugin-judge': building NeedsModel "
                                 f"({tmp_path.resolve() / 'needs_model.py'}) raised FileNotFoundError: [Errno 2] No such file or "
                                 "directory: 'missing.bin'")
    with pytest.raises(InputError) as built:  # from Python, the judge's own traceback is the error's cause
        build_judge("needs-model-plugin-judge")
    assert isinstance(built.value.__cause__, FileNotFoundError)


NAME_RAISES = ("(self, name='p'):\n        self.label = name", "\n    CLOSED = []\n\n    @property\n    def name(self):\n"
               "        return self.lable\n\n    def close(self):\n        self.CLOSED.append(True)\n")


def test_a_plugin_judge_whose_name_raises_is_a_one_line_error_naming_the_judge_its_file_and_the_fix(tmp_path):
    # judges_from_config (so cojudge predict) printed the AttributeError's whole traceback
    _write_plugin(tmp_path, "bad_name.py", "bad-name-plugin-judge", "BadName", *NAME_RAISES)
    config = _plugin_config(tmp_path, "bad_name.py", "bad-name-plugin-judge")
    with pytest.raises(InputError) as raised:
        judges_from_config(config)
    assert str(raised.value) == (f"{config}: judge #1: judge type 'bad-name-plugin-judge': BadName ({tmp_path.resolve() / 'bad_name.py'}): "
                                 "reading its name raised AttributeError: 'BadName' object has no attribute 'lable'; fix it: a judge's "
                                 "name is text it holds, e.g. self.name = name in __init__ (README, 'Adding a judge')")
    with pytest.raises(InputError) as built:  # from Python, the property's own traceback is the error's cause
        build_judge("bad-name-plugin-judge")
    assert isinstance(built.value.__cause__, AttributeError)


def test_a_plugin_judge_refused_for_a_name_that_raises_is_closed(tmp_path):
    _write_plugin(tmp_path, "bad_name_closing.py", "bad-name-closing-plugin-judge", "BadNameClosing", *NAME_RAISES)
    with pytest.raises(InputError, match="reading its name raised"):
        judges_from_config(_plugin_config(tmp_path, "bad_name_closing.py", "bad-name-closing-plugin-judge"))
    plugin = next(module for name, module in sys.modules.items() if name.startswith("merov_cojudge_plugin_bad_name_closing"))
    assert plugin.BadNameClosing.CLOSED == [True]


def test_a_judge_that_drops_the_name_it_is_given_is_an_error_saying_to_keep_it(tmp_path):
    # its judges were all named 'judge', the base's: two of them read 'judge names must be unique; repeated: judge'
    _write_plugin(tmp_path, "nameless.py", "nameless-plugin-judge", "Nameless", "(self, name='nameless'):\n        pass")
    config = _plugin_config(tmp_path, "nameless.py", "nameless-plugin-judge", 'name = "first"\n')
    with pytest.raises(InputError, match=r"^.*judges\.toml: judge 'first': judge type 'nameless-plugin-judge': built with name='first', "
                                         r"its judge is named 'judge'; Nameless\.__init__ must keep the name it is given \(self\.name = name\)$"):
        judges_from_config(config)


def test_a_judge_that_tidies_the_name_it_is_given_keeps_it_and_is_built(tmp_path):
    # 'Mine ' kept as 'mine' is the name given, tidied: everything then goes by 'mine'
    _write_plugin(tmp_path, "tidy.py", "tidy-name-plugin-judge", "Tidy", "(self, name='tidy'):\n        self.name = name.strip().lower()")
    config = _plugin_config(tmp_path, "tidy.py", "tidy-name-plugin-judge", 'name = "Mine "\n')
    assert [judge.name for judge in judges_from_config(config)] == ["mine"]


def test_two_names_a_judge_tidies_into_one_are_repeated_names_saying_the_names_given(tmp_path):
    # 'A' and 'a', tidied to 'a', said only 'repeated: a', a name the config gives once
    _write_plugin(tmp_path, "tidy_twice.py", "tidy-twice-plugin-judge", init="(self, name='t'):\n        self.name = name.lower()")
    config = _plugin_config(tmp_path, "tidy_twice.py", "tidy-twice-plugin-judge", 'name = "A"\n[[judge]]\ntype = "tidy-twice-plugin-judge"\nname = "a"\n')
    with pytest.raises(InputError, match=r"judge names must be unique; repeated: a \(given as 'A', 'a': a judge may tidy the name it is given\); "
                                         r"give each judge its own name$"):
        judges_from_config(config)


def test_a_judge_refused_for_dropping_the_name_it_is_given_is_closed(tmp_path):
    # it was left holding its model (or server) until a garbage collection
    _write_plugin(tmp_path, "nameless_closing.py", "nameless-closing-plugin-judge", "NamelessClosing",
                  "(self, name='nameless'):\n        pass", more="\n    CLOSED = []\n\n    def close(self):\n        self.CLOSED.append(True)\n")
    config = _plugin_config(tmp_path, "nameless_closing.py", "nameless-closing-plugin-judge", 'name = "first"\n')
    with pytest.raises(InputError, match="must keep the name it is given"):
        judges_from_config(config)
    plugin = next(module for name, module in sys.modules.items() if name.startswith("merov_cojudge_plugin_nameless_closing"))
    assert plugin.NamelessClosing.CLOSED == [True]


def test_a_judge_whose_init_raises_an_exception_saying_nothing_is_named_without_an_empty_message(tmp_path):
    # 'raised MemoryError: ', the colon followed by nothing
    _write_plugin(tmp_path, "no_memory.py", "no-memory-plugin-judge", "NoMemory", "(self, name='nm'):\n        raise MemoryError()")
    config = _plugin_config(tmp_path, "no_memory.py", "no-memory-plugin-judge")
    with pytest.raises(InputError) as raised:
        judges_from_config(config)
    assert str(raised.value).endswith(f"building NoMemory ({tmp_path.resolve() / 'no_memory.py'}) raised MemoryError")


def test_a_plugin_named_by_its_py_file_alone_is_the_file_beside_the_config(tmp_path):
    _write_plugin(tmp_path, "bare_plugin_file.py", "bare-file-plugin-judge")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["bare_plugin_file.py"]\n[[judge]]\ntype = "bare-file-plugin-judge"\n', encoding="utf-8")
    assert [judge.name for judge in judges_from_config(config)] == ["p"]


def test_one_plugin_given_as_text_not_a_list_is_imported(tmp_path):
    _write_plugin(tmp_path, "single_plugin.py", "single-text-plugin-judge")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = "./single_plugin.py"\n[[judge]]\ntype = "single-text-plugin-judge"\n', encoding="utf-8")
    assert [judge.name for judge in judges_from_config(config)] == ["p"]
