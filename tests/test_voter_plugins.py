"""A voting strategy of one's own: README's 'Adding a voting strategy' example, in a file outside the package, used
wherever a built-in strategy is (a vote table, scikit-learn, tuning, CoJudge, a calibration file, the CLI)."""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from calibration.calibration_file import load_calibration
from calibration.tuning import make_voter, tune_table
from ensemble.class_space import ClassSpace
from ensemble.cojudge import CoJudge
from ensemble.fuser import Fuser
from ensemble.voter_base import ClassVoter
from ensemble.voter_classes import voter_class
from judges.errors import InputError
from judges.label_text import format_labels
from judges.outputs import read_judge_output
from judges.replay import ReplayJudge
from tests.core_fixtures import toy_outputs, toy_table

REPO = Path(__file__).resolve().parents[1]
GRID = {"threshold": [0.3, 0.5, 0.7]}


def _readme_blocks(language: str) -> list[str]:
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Adding a voting strategy", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


@pytest.fixture
def voter_file(tmp_path) -> Path:
    """README's example strategy, written to a file of its own (a module name unique to the test: precision_voter)."""
    path = tmp_path / "precision_voter.py"
    path.write_text(_readme_blocks("python")[0], encoding="utf-8")
    return path


@pytest.fixture
def voter_module(voter_file, monkeypatch) -> Iterator[type[ClassVoter]]:
    """The example imported as a module on the Python path, as a researcher's own package would be."""
    monkeypatch.syspath_prepend(str(voter_file.parent))
    monkeypatch.delitem(sys.modules, "precision_voter", raising=False)
    import precision_voter

    yield precision_voter.PrecisionVoter
    monkeypatch.delitem(sys.modules, "precision_voter", raising=False)


@pytest.fixture(scope="module")
def toy(wheel):
    space = ClassSpace(wheel)
    table, labels = toy_table(space)
    return table, labels, space.targets(labels, table.names)


def _replayed() -> tuple[list[ReplayJudge], dict[str, list[str]]]:
    outputs, labels = toy_outputs()
    return [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()], labels


def _env(data_root: Path, *path: Path) -> dict[str, str]:
    return {**os.environ, "MEROV_DATA": str(data_root), "PYTHONPATH": os.pathsep.join(map(str, (REPO, *path)))}


def test_the_readmes_voter_learns_its_judges_precision_and_predicts_on_a_vote_table(voter_module, toy):
    table, labels, Y = toy
    voter = voter_module(threshold=0.5).fit(table, Y)
    assert voter.weights_.argmax() == table.judges.index("good") and voter.weights_.argmin() == table.judges.index("noisy")
    assert voter.predict(table) == [labels[n] for n in table.names]  # the noisy judge's extra words are outvoted


def test_the_readmes_voter_is_tuned_by_grid_search_cv_on_a_vote_table(voter_module, toy):
    from sklearn.model_selection import GridSearchCV, KFold

    table, _, Y = toy
    search = GridSearchCV(voter_module(), GRID, cv=KFold(2, shuffle=True, random_state=0)).fit(table, Y)
    assert search.best_params_["threshold"] in GRID["threshold"] and search.best_score_ == 1.0


def test_tune_table_tunes_the_readmes_voter_on_a_vote_table_with_a_grid(voter_module, toy):
    table, labels, _ = toy
    result = tune_table(Fuser(voter_module(), oov="drop"), table, labels, GRID, folds=2)
    assert result.best_params["threshold"] in GRID["threshold"] and [p["threshold"] for p in result.pr_curve] == GRID["threshold"]


@pytest.mark.parametrize("named", ["module", "file"])
def test_a_strategy_named_module_colon_class_or_file_colon_class_builds_that_voter(named, voter_file, voter_module):
    spec = "precision_voter:PrecisionVoter" if named == "module" else f"{voter_file}:PrecisionVoter"
    voter = make_voter(spec, prior=2.0)
    assert type(voter).__name__ == "PrecisionVoter" and voter.prior == 2.0


def test_make_voter_given_a_parameter_a_strategy_of_ones_own_lacks_names_it_without_blaming_the_strategys_code(voter_file):
    with pytest.raises(InputError, match=r"strategy '.*precision_voter\.py:PrecisionVoter': PrecisionVoter has no parameter\(s\) prio \(did you mean prior\?\); "
                                         r"it has decision, lam, max_words, prior, threshold$") as caught:
        make_voter(f"{voter_file}:PrecisionVoter", prio=2.0)
    assert "fix the strategy's code" not in str(caught.value)


def test_a_misspelt_class_of_a_strategy_file_gets_did_you_mean(voter_file):
    with pytest.raises(InputError, match=r"has no class 'PrecisonVoter'; did you mean 'PrecisionVoter'\?"):
        make_voter(f"{voter_file}:PrecisonVoter")


def test_a_strategy_file_named_without_its_class_is_told_to_add_it(voter_file):
    # it was 'unknown strategy ...; known: majority, ...', a list the file could not be in
    with pytest.raises(InputError, match=rf"strategy '{re.escape(str(voter_file))}' names a file but not its class; name it as "
                                         rf"{re.escape(str(voter_file))}:Class, e.g\. {re.escape(str(voter_file))}:PrecisionVoter"):
        make_voter(str(voter_file))


def test_a_strategy_of_ones_own_written_with_a_dot_before_its_class_gets_did_you_mean_with_a_colon():
    # it was 'unknown strategy ...; known: majority, ...' with no hint
    with pytest.raises(InputError, match=r"^unknown strategy 'my_voters\.PrecisionVoter'; did you mean 'my_voters:PrecisionVoter' "
                                         r"\(a colon before the class\)\? known: "):
        make_voter("my_voters.PrecisionVoter")


@pytest.mark.parametrize("path, name", [("ensemble.stacked_voter.StackedVoter", "stacked"),
                                        ("ensemble.majority_voter.MajorityVoter", "majority")])
def test_a_built_in_voters_class_written_with_dots_gets_did_you_mean_its_strategys_name(path, name):
    # it was told 'ensemble.stacked_voter:StackedVoter' (from the repository, 'ensemble/stacked_voter.py:StackedVoter'), a
    # strategy of one's own with no default grid, which 'cojudge tune' then refuses without --grid
    with pytest.raises(InputError, match=rf"^unknown strategy '{re.escape(path)}'; did you mean '{name}'\? known: "):
        make_voter(path)


def test_a_strategy_written_with_a_dot_before_its_class_is_told_the_file_in_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / "anchor_voter.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"did you mean 'anchor_voter\.py:AnchorVoter' \(a colon before the class\)\?"):
        make_voter("anchor_voter.AnchorVoter")


def test_a_strategy_file_named_without_its_class_that_is_not_there_is_no_such_file(tmp_path):
    # it was told to add its class ('e.g. ...:MyVoter'), and only then that the file is not there
    with pytest.raises(InputError, match=rf"^strategy '{re.escape(str(tmp_path / 'no_such_voter.py'))}': no such file \("):
        make_voter(str(tmp_path / "no_such_voter.py"))

@pytest.mark.parametrize("spec, problem", [
    ("no_such_voters_module:MyVoter", r"cannot import module 'no_such_voters_module' .*put its folder on the Python path"),
    ("./no_such_voter.py:MyVoter", r"no such file .*no_such_voter\.py"),
    ("collections:OrderedDict", r"OrderedDict is not a voting strategy; a strategy subclasses ensemble\.voter_base\.ClassVoter"),
    ("ensemble.voter_base:ClassVoter", r"ClassVoter is the base of the voting strategies, not one; name your subclass of it"),
])
def test_a_strategy_that_names_no_importable_voter_class_is_a_one_line_error_naming_it(spec, problem):
    with pytest.raises(InputError, match=problem) as caught:
        make_voter(spec)
    assert "\n" not in str(caught.value)


@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_cojudge_given_a_strategy_file_records_it_and_another_process_loads_the_calibration(voter_file, data_root, tmp_path):
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{voter_file}:PrecisionVoter", progress=False).fit(list(labels), labels, folds=2, grid=GRID)
    path = cojudge.save(tmp_path / "calibration.json")
    assert json.loads(path.read_text(encoding="utf-8"))["voter"]["class"] == f"{voter_file}:PrecisionVoter"
    script = tmp_path / "load.py"
    script.write_text(textwrap.dedent("""
        from ensemble.cojudge import CoJudge
        from judges.replay import ReplayJudge
        from tests.core_fixtures import toy_outputs

        outputs, labels = toy_outputs()
        judges = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
        cojudge = CoJudge.load("calibration.json", judges, progress=False)
        print(type(cojudge.fuser.voter_).__name__, [p.words for p in cojudge.predict_many(list(labels))])
    """), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=_env(data_root), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"PrecisionVoter {[p.words for p in cojudge.predict_many(list(labels))]}"


def test_a_cojudge_loaded_from_a_strategy_files_calibration_keeps_the_recorded_strategy_and_saves_it_again(voter_file, tmp_path, monkeypatch):
    # it was shown and saved again as the class's bare name, 'PrecisionVoter', losing how the strategy was named
    monkeypatch.chdir(tmp_path)
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy="./precision_voter.py:PrecisionVoter", progress=False).fit(list(labels), labels, folds=2, grid=GRID)
    first = cojudge.save(tmp_path / "calibration.json")
    loaded = CoJudge.load(first, judges, progress=False)
    assert loaded.strategy == "./precision_voter.py:PrecisionVoter"
    again = json.loads(loaded.save(tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["strategy"] == json.loads(first.read_text(encoding="utf-8"))["strategy"] == "./precision_voter.py:PrecisionVoter"


def test_a_calibration_whose_voter_module_cannot_be_imported_is_a_one_line_error_naming_the_module(voter_module, tmp_path):
    judges, labels = _replayed()
    cojudge = CoJudge(judges, fuser=Fuser(voter_module(), oov="drop"), progress=False).fit(list(labels), labels, tune=False)
    path = cojudge.save(tmp_path / "calibration.json")
    assert json.loads(path.read_text(encoding="utf-8"))["voter"]["class"] == "precision_voter:PrecisionVoter"
    sys.modules.pop("precision_voter")
    sys.path.remove(str(tmp_path))  # as in a process started elsewhere, without the module's folder on its path
    with pytest.raises(InputError, match=r"calibration\.json: its voter class 'precision_voter:PrecisionVoter': cannot import module "
                                         r"'precision_voter' .*put its folder on the Python path"):
        load_calibration(path)


def _write_csv(path: Path, answers: dict[str, list[str] | None]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "openset"])
        writer.writerows([name, format_labels(words)] for name, words in answers.items() if words is not None)


def _cojudge(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ensemble.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def judge_files(tmp_path) -> list[str]:
    outputs, labels = toy_outputs()
    _write_csv(tmp_path / "labels.csv", labels)
    args = ["--labels", "labels.csv"]
    for name, answers in outputs.items():
        _write_csv(tmp_path / f"{name}.csv", answers)
        args += ["--judge", f"{name}={name}.csv"]
    return args


def test_cojudge_tune_with_a_strategy_file_writes_a_calibration_that_cojudge_fuse_uses(voter_file, judge_files, data_root, tmp_path):
    env = _env(data_root)
    tuned = _cojudge("tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "./precision_voter.py:PrecisionVoter",
                     "--grid", "threshold=0.3,0.5,0.7", "--out", "calibration.json", cwd=tmp_path, env=env)
    assert tuned.returncode == 0, tuned.stderr
    assert tuned.stdout.startswith("tuned ./precision_voter.py:PrecisionVoter on 8 clips x 3 judges")
    judges = [a for a in judge_files[2:] if a != "--judge"]
    fused = _cojudge("fuse", "--calibration", "calibration.json", *(x for j in judges for x in ("--judge", j)), "--out", "fused.csv",
                     cwd=tmp_path, env=env)
    assert fused.returncode == 0, fused.stderr
    _, labels = toy_outputs()
    assert read_judge_output(tmp_path / "fused.csv") == labels  # the noisy judge's extra words are outvoted


def test_the_readmes_usage_example_runs_as_written_once_its_data_paths_are_filled_in(voter_file, data_root, tmp_path):
    # it used judges, outputs, names and labels that neither it nor the README defined: NameError on its first line of use
    data = {"dev.txt": data_root / "ovmerd/splits/dev.txt", "dev.csv": data_root / "ovmerd/labels/dev.csv"}
    usage = re.sub(r'"\.\.\./([^"]+)"', lambda m: repr(str(data.get(m[1], data_root / "ovmerd/outputs" / m[1]))),
                   _readme_blocks("python")[1])
    run = subprocess.run([sys.executable, "-c", usage], cwd=tmp_path, env=_env(data_root, tmp_path), capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "calibration.json").is_file()


def test_cojudge_tune_with_a_strategy_of_ones_own_and_no_grid_asks_for_one(voter_file, judge_files, data_root, tmp_path):
    run = _cojudge("tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "./precision_voter.py:PrecisionVoter",
                   "--out", "calibration.json", cwd=tmp_path, env=_env(data_root))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "is one of your own, and has no default grid; give its grid, e.g. --grid threshold=0.3,0.5,0.7" in run.stderr
    assert not (tmp_path / "calibration.json").exists()


def test_a_strategy_module_on_the_python_path_is_found_by_cojudge_fuse_in_another_process(voter_file, judge_files, data_root, tmp_path):
    env = _env(data_root, voter_file.parent)
    tuned = _cojudge("tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "precision_voter:PrecisionVoter",
                     "--grid", "threshold=0.5", "--out", "calibration.json", cwd=tmp_path, env=env)
    assert tuned.returncode == 0, tuned.stderr
    judges = [a for a in judge_files[2:] if a != "--judge"]
    fused = _cojudge("fuse", "--calibration", "calibration.json", *(x for j in judges for x in ("--judge", j)), "--out", "fused.csv",
                     cwd=tmp_path, env=env)
    assert fused.returncode == 0 and "(precision_voter:PrecisionVoter)" in fused.stderr, fused.stderr
    assert read_judge_output(tmp_path / "fused.csv") == toy_outputs()[1]


def test_saving_a_voter_defined_in_the_script_that_runs_is_refused_naming_where_to_put_it(tmp_path):
    from ensemble.majority_voter import MajorityVoter

    script_voter = type("ScriptVoter", (MajorityVoter,), {"__module__": "__main__"})  # as a class a script or notebook defines
    judges, labels = _replayed()
    cojudge = CoJudge(judges, fuser=Fuser(script_voter(), oov="drop"), progress=False).fit(list(labels), labels, tune=False)
    with pytest.raises(InputError, match=r"ScriptVoter \(__main__\) cannot be saved in a calibration file: it is defined in the script "
                                         r"that runs, .*put it at the top level of a file of its own"):
        cojudge.save(tmp_path / "calibration.json")
    assert not (tmp_path / "calibration.json").exists()


def test_saving_a_voter_whose_state_attrs_leave_out_what_predict_proba_reads_is_refused_before_any_file_is_written(voter_file, tmp_path):
    forgetful = tmp_path / "forgetful_voter.py"
    forgetful.write_text(voter_file.read_text(encoding="utf-8").replace('_state_attrs = ("weights_",)', "_state_attrs = ()"), encoding="utf-8")
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{forgetful}:PrecisionVoter", progress=False).fit(list(labels), labels, tune=False)
    with pytest.raises(InputError, match=r"PrecisionVoter cannot be saved in a calibration file: rebuilt from its parameters and state it "
                                         r"fails \(AttributeError: .*weights_.*\); list every fitted attribute its predict_proba reads "
                                         r"in its _state_attrs"):
        cojudge.save(tmp_path / "calibration.json")
    assert not (tmp_path / "calibration.json").exists()


UNSAVABLE_STATE = """
import numpy as np
from sklearn.linear_model import LogisticRegression

from ensemble.majority_voter import MajorityVoter


class KeepsAModel(MajorityVoter):
    _state_attrs = ("model_",)

    def _fit(self, table, Y):
        self.model_ = LogisticRegression()


class NamesAnUnsetState(MajorityVoter):
    _state_attrs = ("weights_",)


class KeepsRaggedArrays(MajorityVoter):
    _state_attrs = ("weights_",)

    def _fit(self, table, Y):
        self.weights_ = [np.ones(3), np.zeros(2)]
"""


@pytest.mark.parametrize("cls, problem", [
    ("KeepsAModel", r"its fitted model_ is a LogisticRegression, which a calibration file \(JSON\) cannot hold; keep what "
                    r"predict_proba reads as numbers, text, lists, dicts or numpy arrays \(a model's fitted coefficients, not the model\)"),
    ("KeepsRaggedArrays", r"its fitted weights_ is a list that loading cannot read back: a list in _state_attrs comes back as one "
                          r"float array; keep it as a numpy array of numbers, or a dict of them"),
])
def test_saving_a_voter_whose_state_a_calibration_file_cannot_hold_is_refused_naming_the_attribute(cls, problem, tmp_path):
    # a model object raised json's TypeError, an unset entry getattr's AttributeError (tracebacks); ragged arrays were told to
    # 'list every fitted attribute in _state_attrs'
    (tmp_path / "unsavable.py").write_text(UNSAVABLE_STATE, encoding="utf-8")
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{tmp_path / 'unsavable.py'}:{cls}", progress=False).fit(list(labels), labels, tune=False)
    with pytest.raises(InputError, match=rf"^{cls} cannot be saved in a calibration file: {problem}$"):
        cojudge.save(tmp_path / "calibration.json")
    assert not (tmp_path / "calibration.json").exists()


def test_fitting_a_voter_whose_state_attrs_name_an_attribute_its_fit_does_not_set_is_refused_at_fit(tmp_path):
    # it was found only when the calibration was saved, after the whole tuning had run
    (tmp_path / "unsavable.py").write_text(UNSAVABLE_STATE, encoding="utf-8")
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{tmp_path / 'unsavable.py'}:NamesAnUnsetState", progress=False)
    with pytest.raises(InputError, match=r"^voting strategy NamesAnUnsetState \(.*unsavable\.py\): its _state_attrs names weights_, "
                                         r"which its _fit did not set; set it in _fit, or leave it out of _state_attrs"):
        cojudge.fit(list(labels), labels, tune=False)


def test_a_strategy_file_and_an_output_named_under_a_quoted_tilde_are_in_the_home_folder(voter_file, judge_files, tmp_path, monkeypatch,
                                                                                       capsys):
    # --strategy "~/precision_voter.py:PrecisionVoter" (quoted: the shell leaves the ~) said "no such file
    # (/.../~/precision_voter.py)", and --out=~/calibration.json (no shell expands a ~ after --out=) wrote ./~/calibration.json
    from ensemble.cli import main

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert type(make_voter("~/precision_voter.py:PrecisionVoter")).__name__ == "PrecisionVoter"
    code = main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "~/precision_voter.py:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out=~/calibration.json"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "calibration.json").is_file() and not (tmp_path / "~").exists()
    assert load_calibration("~/calibration.json")[1]["voter"]["class"] == f"{voter_file}:PrecisionVoter"


def test_tune_refuses_to_write_its_calibration_over_its_strategy_file(voter_file, judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    before = voter_file.read_text(encoding="utf-8")
    code = main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "./precision_voter.py:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out", "precision_voter.py"])
    err = capsys.readouterr().err
    assert code == 2 and "--out precision_voter.py is the same file as --strategy; writing it would destroy that" in err
    assert voter_file.read_text(encoding="utf-8") == before


def test_fuse_refuses_to_write_over_the_strategy_file_its_calibration_imports(voter_file, judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "./precision_voter.py:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out", "calibration.json"]) == 0
    before = voter_file.read_text(encoding="utf-8")
    capsys.readouterr()
    code = main(["fuse", "--calibration", "calibration.json", *judge_files[2:], "--out", "precision_voter.py"])
    err = capsys.readouterr().err
    assert code == 2 and "is the same file as the voting strategy's file (read by the calibration's fusion)" in err
    assert voter_file.read_text(encoding="utf-8") == before


def test_cojudge_save_refuses_to_write_over_its_strategy_file(voter_file):
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{voter_file}:PrecisionVoter", progress=False).fit(list(labels), labels, tune=False)
    before = voter_file.read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"CoJudge\.save: .*precision_voter\.py is the same file as the strategy's file"):
        cojudge.save(voter_file)
    assert voter_file.read_text(encoding="utf-8") == before


def test_a_built_in_voter_named_module_colon_class_is_recorded_as_its_strategy_and_its_calibration_loads(tmp_path):
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy="ensemble.majority_voter:MajorityVoter", progress=False).fit(list(labels), labels, folds=2, grid=GRID)
    assert cojudge.strategy == "majority"
    path = cojudge.save(tmp_path / "calibration.json")
    assert json.loads(path.read_text(encoding="utf-8"))["strategy"] == "majority"
    assert type(CoJudge.load(path, judges, progress=False).fuser.voter_).__name__ == "MajorityVoter"


def test_cojudge_tune_with_a_built_in_voter_named_module_colon_class_tunes_that_strategy_and_fuse_uses_it(judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "ensemble.majority_voter:MajorityVoter",
                 "--out", "calibration.json"]) == 0  # the majority strategy's default grid
    assert capsys.readouterr().out.startswith("tuned majority on 8 clips")
    assert json.loads((tmp_path / "calibration.json").read_text(encoding="utf-8"))["strategy"] == "majority"
    assert main(["fuse", "--calibration", "calibration.json", *judge_files[2:], "--out", "fused.csv"]) == 0, capsys.readouterr().err


def _shared_elsewhere(voter_file: Path, tmp_path: Path) -> Path:
    """A calibration tuned with ``voter_file``, moved with it to another folder (as a researcher shares both): its path there."""
    judges, labels = _replayed()
    CoJudge(judges, strategy=f"{voter_file}:PrecisionVoter", progress=False).fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    shared = tmp_path / "shared"
    shared.mkdir()
    (tmp_path / "calibration.json").rename(shared / "calibration.json")
    voter_file.rename(shared / voter_file.name)
    return shared / "calibration.json"


def test_a_calibration_moved_with_its_strategy_file_imports_the_file_of_that_name_beside_it(voter_file, tmp_path):
    moved = _shared_elsewhere(voter_file, tmp_path)
    fuser, _ = load_calibration(moved)
    assert type(fuser.voter_).__name__ == "PrecisionVoter"
    assert Path(sys.modules[type(fuser.voter_).__module__].__file__) == moved.parent / "precision_voter.py"


def test_a_calibration_whose_strategy_file_is_neither_where_it_was_tuned_nor_beside_it_says_where_to_put_it(voter_file, tmp_path):
    moved = _shared_elsewhere(voter_file, tmp_path)
    (moved.parent / "precision_voter.py").unlink()
    with pytest.raises(InputError, match=r"calibration\.json: its voting strategy's file .*precision_voter\.py is gone: put precision_voter\.py "
                                         r"beside .*calibration\.json, or back where it was tuned") as caught:
        load_calibration(moved)
    assert "\n" not in str(caught.value)


def test_a_calibration_moved_with_its_strategy_file_whose_line_endings_were_converted_imports_it_beside_it(voter_file, tmp_path):
    moved = _shared_elsewhere(voter_file, tmp_path)
    beside = moved.parent / "precision_voter.py"  # shared through git between Windows and Linux: CRLF line endings
    beside.write_bytes(beside.read_bytes().replace(b"\n", b"\r\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same code: not 'has changed since it was tuned'
        fuser, _ = load_calibration(moved)
    assert Path(sys.modules[type(fuser.voter_).__module__].__file__) == beside


def test_a_calibration_tuned_with_a_crlf_strategy_file_loads_it_without_warning_when_it_comes_back_with_lf_line_endings(voter_file, tmp_path):
    # tuned on Windows (its sha256 is of the CRLF bytes), shared through git to Linux: the same code
    voter_file.write_bytes(voter_file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    moved = _shared_elsewhere(voter_file, tmp_path)
    beside = moved.parent / "precision_voter.py"
    beside.write_bytes(beside.read_bytes().replace(b"\r\n", b"\n"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not 'has changed since it was tuned'
        fuser, _ = load_calibration(moved)
    assert Path(sys.modules[type(fuser.voter_).__module__].__file__) == beside


def test_a_calibration_whose_strategy_file_is_gone_refuses_another_file_of_that_name_beside_it_without_importing_it(voter_file, tmp_path):
    moved = _shared_elsewhere(voter_file, tmp_path)
    marker = tmp_path / "ran"
    beside = moved.parent / "precision_voter.py"  # another file of that name in the folder (a shared download folder's)
    beside.write_text(beside.read_text(encoding="utf-8") + f"\nopen({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"calibration\.json: its voting strategy's file .*precision_voter\.py is gone, and .*shared.precision_voter\.py "
                                         r"beside it is not the file it was tuned with \(another sha256\); nothing was imported: put the tuned "
                                         r"precision_voter\.py beside .*calibration\.json, or re-run 'cojudge tune'") as caught:
        load_calibration(moved)
    assert "\n" not in str(caught.value) and not marker.exists()


def test_fuse_refuses_to_write_over_the_strategy_file_beside_a_moved_calibration(voter_file, judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    moved = _shared_elsewhere(voter_file, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = (moved.parent / "precision_voter.py").read_text(encoding="utf-8")
    code = main(["fuse", "--calibration", str(moved), *judge_files[2:], "--out", "shared/precision_voter.py"])
    assert code == 2 and "is the same file as the voting strategy's file" in capsys.readouterr().err
    assert (moved.parent / "precision_voter.py").read_text(encoding="utf-8") == before


def test_a_calibration_of_a_built_in_strategy_whose_voter_class_is_not_merov_cojudges_is_refused_without_importing_it(tmp_path):
    judges, labels = _replayed()
    path = CoJudge(judges, strategy="majority", progress=False).fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    (tmp_path / "planted.py").write_text("import pathlib\npathlib.Path(__file__).with_name('ran').touch()\n"
                                         "from ensemble.majority_voter import MajorityVoter\n", encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["voter"]["class"] = f"{tmp_path / 'planted.py'}:MajorityVoter"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"calibration\.json: damaged calibration file \(ValueError: its strategy 'majority' is built in, "
                                         r"but its voter class .*planted\.py:MajorityVoter' is not merov-cojudge's .*\); re-run 'cojudge tune'"):
        load_calibration(path)
    assert not (tmp_path / "ran").exists()


def test_a_cojudge_given_a_built_in_strategys_name_and_a_voter_of_ones_own_is_refused(voter_module):
    judges, _ = _replayed()
    with pytest.raises(InputError, match=r"CoJudge: strategy='majority' but the fuser's voter is a PrecisionVoter \(one of your own\); "
                                         r"leave strategy out, or give a matching voter"):
        CoJudge(judges, strategy="majority", fuser=Fuser(voter_module()))


FAULTY = '''
from __future__ import annotations

import numpy as np

from ensemble.majority_voter import MajorityVoter


class InitFails(MajorityVoter):
    def __init__(self, threshold=0.5, decision="threshold", lam=0.5, max_words=None):
        raise RuntimeError("no GPU here")


class FitFails(MajorityVoter):
    def _fit(self, table, Y):
        raise ZeroDivisionError("fit went wrong")


class ProbaFails(MajorityVoter):
    def predict_proba(self, table):
        raise RuntimeError("boom in proba")


class WrongShape(MajorityVoter):
    def predict_proba(self, table):
        return np.zeros((len(table.names), 2))


class NotFinite(MajorityVoter):
    def predict_proba(self, table):
        return np.full((len(table.names), len(table.space)), np.nan)


class NotAProbability(MajorityVoter):
    def predict_proba(self, table):
        return 3 * super().predict_proba(table) - 1  # -1 to 2, finite: a score, not a probability
'''


@pytest.mark.parametrize("cls, problem", [
    ("InitFails", r"InitFails \(.*faulty_voters\.py\): its __init__ failed: RuntimeError: no GPU here; fix the strategy's code"),
    ("FitFails", r"FitFails \(.*faulty_voters\.py\): its _fit failed: ZeroDivisionError: fit went wrong; fix the strategy's code"),
    ("ProbaFails", r"ProbaFails \(.*faulty_voters\.py\): its predict_proba failed: RuntimeError: boom in proba; fix the strategy's code"),
    ("WrongShape", r"WrongShape \(.*faulty_voters\.py\): its predict_proba gave an array of shape \(\d+, 2\); it must give one "
                   r"probability per clip and class, a finite array of shape \(\d+, \d+\)"),
    ("NotFinite", r"NotFinite \(.*faulty_voters\.py\): its predict_proba gave NaN or infinite probabilities; it must give"),
    ("NotAProbability", r"NotAProbability \(.*faulty_voters\.py\): its predict_proba gave -1\.0, not a probability \(outside \[0, 1\]\); "
                        r"it must give one probability per clip and class, each in \[0, 1\]$"),
])
def test_cojudge_tune_with_a_strategy_whose_own_code_fails_is_a_one_line_error_naming_it_and_the_method(
        cls, problem, judge_files, tmp_path, monkeypatch, capsys):
    _assert_tune_refuses(FAULTY, "faulty_voters.py", cls, problem, judge_files, tmp_path, monkeypatch, capsys)


def _assert_tune_refuses(source, file_name, cls, problem, judge_files, tmp_path, monkeypatch, capsys):
    """`cojudge tune --strategy ./<file_name>:<cls>` exits 2 with one line matching ``problem`` and writes no calibration."""
    from ensemble.cli import main

    (tmp_path / file_name).write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", f"./{file_name}:{cls}", "--grid", "threshold=0.5",
                 "--out", "calibration.json"])
    err = capsys.readouterr().err
    assert code == 2 and re.search(problem, err) and err.count("\n") == 1, err
    assert not (tmp_path / "calibration.json").exists()


RULE_BREAKING = """
from __future__ import annotations

from ensemble.majority_voter import MajorityVoter
from ensemble.voter_base import ClassVoter


class ParamRenamed(MajorityVoter):
    def __init__(self, threshold=0.5, prior=1.0, decision="threshold", lam=0.5, max_words=None):
        self.threshold, self._prior, self.decision, self.lam, self.max_words = threshold, prior, decision, lam, max_words


class ParamChanged(MajorityVoter):
    def __init__(self, threshold=0.5, prior=1.0, decision="threshold", lam=0.5, max_words=None):
        self.threshold, self.prior, self.decision, self.lam, self.max_words = threshold, prior + 1, decision, lam, max_words


class TakesKwargs(MajorityVoter):
    def __init__(self, **params):
        self.threshold, self.decision, self.lam, self.max_words = 0.5, "threshold", 0.5, None


class NoDecisionParams(MajorityVoter):
    def __init__(self, prior=1.0):
        self.prior = prior


class FitSetsAParameter(MajorityVoter):
    def _fit(self, table, Y):
        self.threshold = 0.05


class NoPredictProba(ClassVoter):
    def __init__(self, threshold=0.5, decision="threshold", lam=0.5, max_words=None):
        self.threshold, self.decision, self.lam, self.max_words = threshold, decision, lam, max_words

    def predict_prob(self, table):  # misspelt
        return table.vote_share()


"""


@pytest.mark.parametrize("cls, problem", [
    ("ParamRenamed", r"ParamRenamed \(.*rule_breaking\.py\): its __init__ does not keep its parameter prior as self\.prior; store "
                     r"every parameter unchanged under its own name"),
    ("ParamChanged", r"ParamChanged \(.*rule_breaking\.py\): scikit-learn's clone refused it: its __init__ changes its parameter prior; "
                     r"store every parameter unchanged under its own name"),
    ("TakesKwargs", r"TakesKwargs \(.*rule_breaking\.py\): its __init__ takes \*\*params; take every parameter by name, with a default"),
    ("NoDecisionParams", r"NoDecisionParams \(.*rule_breaking\.py\): its __init__ lacks the decision parameter\(s\) decision, threshold, "
                         r"lam, max_words; keep them"),
    ("FitSetsAParameter", r"FitSetsAParameter \(.*rule_breaking\.py\): its _fit changed its parameter threshold \(0\.5 -> 0\.05\); keep "
                          r"what it learns in attributes ending in _"),
    # it read 'its predict_proba failed: NotImplementedError: ; fix the strategy's code', after the folds had run
    ("NoPredictProba", r"NoPredictProba \(.*rule_breaking\.py\): it does not implement predict_proba\(table\), which returns one "
                       r"probability per clip and class"),
])
def test_cojudge_tune_with_a_strategy_that_breaks_scikit_learns_rules_is_a_one_line_error_naming_the_rule(
        cls, problem, judge_files, tmp_path, monkeypatch, capsys):
    _assert_tune_refuses(RULE_BREAKING, "rule_breaking.py", cls, problem, judge_files, tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize("cls, rule", [("ParamRenamed", "does not keep its parameter prior"), ("ParamChanged", "changes its parameter prior"),
                                       ("TakesKwargs", r"takes \*\*params")])
def test_scikit_learns_clone_of_a_strategy_that_breaks_its_rules_is_a_one_line_error_naming_the_rule(cls, rule, tmp_path):
    from sklearn.base import clone

    (tmp_path / "rule_breaking.py").write_text(RULE_BREAKING, encoding="utf-8")
    voter = voter_class(f"{tmp_path / 'rule_breaking.py'}:{cls}")()  # built by the author's own code, as GridSearchCV is given it
    with pytest.raises(InputError, match=rf"^voting strategy {cls} \(.*\): .*{rule}"):
        clone(voter)


@pytest.mark.parametrize("cls, rule", [("ParamRenamed", "does not keep its parameter prior"), ("TakesKwargs", r"takes \*\*params")])
def test_make_voter_of_a_strategy_that_breaks_scikit_learns_rules_is_a_one_line_error_naming_the_rule(cls, rule, tmp_path):
    # before any work: not a voter handed on to fail in a Fuser, a grid search or a fit
    (tmp_path / "rule_breaking.py").write_text(RULE_BREAKING, encoding="utf-8")
    with pytest.raises(InputError, match=rf"^voting strategy {cls} \(.*\): .*{rule}"):
        make_voter(f"{tmp_path / 'rule_breaking.py'}:{cls}")


@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_strategy_whose_fit_keeps_a_public_attribute_is_fitted_saved_and_loaded(tmp_path):
    # its _fit storing self.weights (not weights_) was refused at fit, though nothing here needs the trailing _
    (tmp_path / "public_state.py").write_text(textwrap.dedent('''
        import numpy as np

        from ensemble.weighted_voter import WeightedVoter


        class PublicWeights(WeightedVoter):
            _state_attrs = ("weights",)

            def _fit(self, table, Y):
                super()._fit(table, Y)
                self.weights, self.iterations = self.weights_, 1  # a fitted state and a diagnostic, named as the author likes

            def predict_proba(self, table):
                self.weights_ = self.weights
                return super().predict_proba(table)
    '''), encoding="utf-8")
    judges, labels = _replayed()
    cojudge = CoJudge(judges, strategy=f"{tmp_path / 'public_state.py'}:PublicWeights", progress=False).fit(list(labels), labels, tune=False)
    loaded = CoJudge.load(cojudge.save(tmp_path / "calibration.json"), judges, progress=False)
    assert [p.words for p in loaded.predict_many(list(labels))] == [p.words for p in cojudge.predict_many(list(labels))]


def test_a_strategy_refused_for_a_parameter_its_fit_changed_is_left_unfitted_with_the_parameter_as_given(toy, tmp_path):
    # it was left fitted with the learnt threshold: predict ran on it, and a second fit (0.05 -> 0.05) passed silently
    table, _, Y = toy
    (tmp_path / "rule_breaking.py").write_text(RULE_BREAKING, encoding="utf-8")
    voter = make_voter(f"{tmp_path / 'rule_breaking.py'}:FitSetsAParameter")
    for _ in range(2):
        with pytest.raises(InputError, match=r"its _fit changed its parameter threshold \(0\.5 -> 0\.05\)"):
            voter.fit(table, Y)
        assert voter.threshold == 0.5 and not hasattr(voter, "judges_")
    with pytest.raises(InputError, match="FitSetsAParameter is not fitted"):
        voter.predict(table)


def test_a_strategy_whose_fit_fails_is_left_unfitted_not_half_fitted(toy, tmp_path):
    # judges_ and n_classes_ were set before _fit ran: after the error the voter passed as fitted, and predict ran on half a state
    table, _, Y = toy
    (tmp_path / "faulty_voters.py").write_text(FAULTY, encoding="utf-8")
    voter = make_voter(f"{tmp_path / 'faulty_voters.py'}:FitFails")
    with pytest.raises(InputError, match="its _fit failed: ZeroDivisionError"):
        voter.fit(table, Y)
    assert not hasattr(voter, "judges_")
    with pytest.raises(InputError, match="FitFails is not fitted"):
        voter.predict(table)


def test_a_built_in_voter_whose_refit_fails_keeps_its_earlier_fit(toy, monkeypatch):
    table, _, Y = toy
    voter = make_voter("majority").fit(table, Y)
    fitted = dict(vars(voter))

    def fails(self, table, Y):
        self.half_ = "set before failing"
        raise MemoryError("out of memory")

    monkeypatch.setattr(type(voter), "_fit", fails)
    with pytest.raises(MemoryError):
        voter.fit(table, Y)
    assert vars(voter).keys() == fitted.keys() and voter.judges_ == fitted["judges_"]


def test_a_strategy_that_overrides_fit_is_told_to_implement_fit_underscore_when_used_unfitted(toy, tmp_path):
    table, _, Y = toy
    (tmp_path / "own_fit.py").write_text(textwrap.dedent('''
        from ensemble.majority_voter import MajorityVoter


        class OwnFit(MajorityVoter):
            def fit(self, table, Y=None):
                return self
    '''), encoding="utf-8")
    voter = make_voter(f"{tmp_path / 'own_fit.py'}:OwnFit").fit(table, Y)
    with pytest.raises(InputError, match=r"OwnFit is not fitted; .*OwnFit overrides fit: implement _fit\(table, Y\) instead"):
        voter.predict(table)


def test_a_strategys_probability_a_rounding_error_above_one_is_taken(toy, tmp_path):
    # a weighted share summed in another order than its weights can come out 1.0000000000000002
    table, _, Y = toy
    (tmp_path / "rounding_voter.py").write_text(textwrap.dedent('''
        from ensemble.majority_voter import MajorityVoter


        class RoundingAbove(MajorityVoter):
            def predict_proba(self, table):
                return super().predict_proba(table) * (1 + 1e-12)
    '''), encoding="utf-8")
    voter = make_voter(f"{tmp_path / 'rounding_voter.py'}:RoundingAbove").fit(table, Y)
    assert voter.predict(table) == make_voter("majority").fit(table, Y).predict(table)


def test_a_float32_strategys_probability_a_rounding_error_above_one_is_taken(toy, tmp_path):
    # a float32 weighted share comes out 1.0000001192092896, which was refused as 'not a probability (outside [0, 1])'
    table, _, Y = toy
    (tmp_path / "float32_voter.py").write_text(textwrap.dedent('''
        import numpy as np

        from ensemble.majority_voter import MajorityVoter


        class Float32Above(MajorityVoter):
            def predict_proba(self, table):
                return (super().predict_proba(table) * np.float32(1.0000001)).astype(np.float32)
    '''), encoding="utf-8")
    voter = make_voter(f"{tmp_path / 'float32_voter.py'}:Float32Above").fit(table, Y)
    assert voter.predict(table) == make_voter("majority").fit(table, Y).predict(table)


def test_cojudge_fuse_with_a_strategy_file_whose_predict_proba_now_fails_is_a_one_line_error_naming_it(
        voter_file, judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "./precision_voter.py:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out", "calibration.json"]) == 0
    capsys.readouterr()
    voter_file.write_text(voter_file.read_text(encoding="utf-8").replace("self._check_table(table)", 'raise RuntimeError("edited")'),
                          encoding="utf-8")
    for module in [m for m in sys.modules if m.startswith("merov_cojudge_voter_precision_voter")]:
        monkeypatch.delitem(sys.modules, module)  # as in the next process, after the edit
    code = main(["fuse", "--calibration", "calibration.json", *judge_files[2:], "--out", "fused.csv"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert re.search(r"PrecisionVoter \(.*precision_voter\.py\): its predict_proba failed: RuntimeError: edited", err), err
    assert not (tmp_path / "fused.csv").exists()


def test_a_voter_from_a_strategy_file_unpickles_in_a_process_that_never_imported_the_file(voter_file, toy, tmp_path):
    import pickle

    table, _, Y = toy
    voter = make_voter(f"{voter_file}:PrecisionVoter").fit(table, Y)
    (tmp_path / "voter.pickle").write_bytes(pickle.dumps(voter))
    script = "import pickle, sys; v = pickle.load(open(sys.argv[1], 'rb')); print(type(v).__name__, v.weights_.round(3).tolist())"
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path / "voter.pickle")], env=_env(REPO), capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"PrecisionVoter {voter.weights_.round(3).tolist()}"


def test_grid_search_cv_runs_a_voter_from_a_strategy_file_in_parallel_workers(voter_file, toy):
    from sklearn.model_selection import GridSearchCV, KFold

    table, _, Y = toy
    search = GridSearchCV(make_voter(f"{voter_file}:PrecisionVoter"), GRID, cv=KFold(2, shuffle=True, random_state=0), n_jobs=2,
                          error_score="raise").fit(table, Y)
    assert search.best_score_ == 1.0


def test_loading_a_calibration_whose_strategy_file_was_edited_since_tuning_warns_that_its_fusion_may_differ(voter_file, tmp_path):
    judges, labels = _replayed()
    path = CoJudge(judges, strategy=f"{voter_file}:PrecisionVoter", progress=False).fit(list(labels), labels, tune=False).save(
        tmp_path / "calibration.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_calibration(path)  # as tuned: no warning
    voter_file.write_text(voter_file.read_text(encoding="utf-8").replace("2 * self.prior", "3 * self.prior"), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"calibration\.json: its voting strategy's file .*precision_voter\.py has changed since it was "
                                         r"tuned, so its fusion may differ from the tuned one; re-run 'cojudge tune'"):
        load_calibration(path)


@pytest.mark.parametrize("edits, problem", [
    ((("prior: float = 1.0, ", ""), ("self.prior = prior", "self.prior_ = 1.0")), r"TypeError: PrecisionVoter\.__init__\(\) got an unexpected keyword argument 'prior'"),
    ((("weights_", "w_"),), r"missing 'w_'"),
])
def test_a_calibration_whose_strategy_file_was_edited_so_that_it_no_longer_loads_names_the_edited_file_not_a_damaged_calibration(
        voter_file, tmp_path, monkeypatch, edits, problem):
    judges, labels = _replayed()
    path = CoJudge(judges, strategy=f"{voter_file}:PrecisionVoter", progress=False).fit(list(labels), labels, tune=False).save(
        tmp_path / "calibration.json")
    source = voter_file.read_text(encoding="utf-8")
    for old, new in edits:
        source = source.replace(old, new)
    voter_file.write_text(source, encoding="utf-8")
    for module in [m for m in sys.modules if m.startswith("merov_cojudge_voter_precision_voter")]:
        monkeypatch.delitem(sys.modules, module)  # as in the next process, after the edit
    with pytest.raises(InputError, match=rf"calibration\.json: its voting strategy's file .*precision_voter\.py has changed since it "
                                         rf"was tuned, and the calibration no longer loads into it \({problem}\); put back the tuned "
                                         r"file, or re-run 'cojudge tune'"):
        load_calibration(path)


def test_tune_refuses_to_write_its_calibration_over_the_file_of_a_strategy_module(voter_module, judge_files, tmp_path, monkeypatch, capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    before = (tmp_path / "precision_voter.py").read_text(encoding="utf-8")
    code = main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "precision_voter:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out", "precision_voter.py"])
    assert code == 2 and "--out precision_voter.py is the same file as --strategy; writing it would destroy that" in capsys.readouterr().err
    assert (tmp_path / "precision_voter.py").read_text(encoding="utf-8") == before


def test_fuse_refuses_to_write_over_the_file_of_the_strategy_module_its_calibration_imports(voter_module, judge_files, tmp_path, monkeypatch,
                                                                                            capsys):
    from ensemble.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["tune", *judge_files, "--oov", "drop", "--folds", "2", "--strategy", "precision_voter:PrecisionVoter",
                 "--grid", "threshold=0.5", "--out", "calibration.json"]) == 0
    before = (tmp_path / "precision_voter.py").read_text(encoding="utf-8")
    capsys.readouterr()
    code = main(["fuse", "--calibration", "calibration.json", *judge_files[2:], "--out", "precision_voter.py"])
    assert code == 2 and "is the same file as the voting strategy's file (read by the calibration's fusion)" in capsys.readouterr().err
    assert (tmp_path / "precision_voter.py").read_text(encoding="utf-8") == before


def test_cojudge_save_refuses_to_write_over_the_file_of_a_voter_given_in_its_fuser(voter_module, voter_file):
    judges, labels = _replayed()
    cojudge = CoJudge(judges, fuser=Fuser(voter_module(), oov="drop"), progress=False).fit(list(labels), labels, tune=False)
    before = voter_file.read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"CoJudge\.save: .*precision_voter\.py is the same file as the strategy's file"):
        cojudge.save(voter_file)
    assert voter_file.read_text(encoding="utf-8") == before
