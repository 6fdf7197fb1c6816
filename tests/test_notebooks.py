"""The ablation notebooks run clean, headless, in this interpreter's kernel; git holds them without outputs.

Each notebook is executed with nbclient in a ``python3`` kernel whose command is
``sys.executable`` (a kernelspec installed into a temporary prefix, so a user's own
``python3`` kernelspec cannot send the run to another Python), from the repo root,
reading the research data through ``$MEROV_DATA``. Figures render with the kernel's
inline backend (Agg underneath): no display is needed.
"""
from __future__ import annotations

import configparser
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
EXPECTED = ("01_judges.ipynb", "02_graph.ipynb", "03_voting.ipynb", "04_two_stage.ipynb")


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> KernelSpecManager:
    """Kernelspecs holding one ``python3`` kernel that runs ``sys.executable``."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(prefix=str(prefix), kernel_name="python3")
    return KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])


def execute(nb: nbformat.NotebookNode, kernel_specs: KernelSpecManager) -> None:
    """Run every cell in place from the repo root; a failing cell raises ``CellExecutionError``."""
    km = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_specs)
    NotebookClient(nb, km=km, timeout=900, resources={"metadata": {"path": str(REPO)}}).execute()


def test_the_readme_says_how_to_install_the_jupyter_it_opens_the_notebooks_in():
    # [dev] brings nbclient and ipykernel, no Jupyter front end: after the README's steps 'jupyter lab' was not found
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Ablation notebooks", 1)[1].split("\n## ", 1)[0]
    extras = configparser.ConfigParser()
    extras.read(REPO / "setup.cfg", encoding="utf-8")
    dev = extras["options.extras_require"]["dev"]
    assert "Open them in Jupyter" not in section or "pip install jupyterlab" in section or "jupyterlab" in dev


def test_the_four_ablation_notebooks_exist():
    assert set(EXPECTED) <= {p.name for p in NOTEBOOKS}


@pytest.mark.slow
def test_python3_kernel_runs_this_interpreter(kernel_specs):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    execute(nb, kernel_specs)
    printed = nb.cells[0].outputs[0]["text"].strip()
    assert Path(printed).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"{path.name}: code cells {dirty} carry outputs; run 'nbstripout notebooks/*.ipynb' before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_ends_with_a_measured_finding(path):
    last = nbformat.read(path, as_version=4).cells[-1]
    assert last.cell_type == "markdown" and last.source.startswith("## Finding")
    assert any(ch.isdigit() for ch in last.source), f"{path.name}: the finding states no measured number"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(path, kernel_specs, data_root, monkeypatch):
    monkeypatch.setenv("MEROV_DATA", str(data_root))
    nb = nbformat.read(path, as_version=4)
    execute(nb, kernel_specs)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code)
    assert not [o for c in code for o in c.outputs if o.get("output_type") == "error"]


def _code(name: str) -> list[str]:
    return [c.source for c in nbformat.read(REPO / "notebooks" / name, as_version=4).cells if c.cell_type == "code"]


def test_the_voting_notebooks_slow_cells_show_their_progress():
    # its cross-validation of the four strategies (22 s on a warm cache, minutes under load) and its leave-one-judge-out
    # loop (10 s) ran without a sign of life
    code = _code("03_voting.ipynb")
    cv_cells = [c for c in code if "cross_validate(" in c and "import" not in c]
    assert cv_cells and all("progress=True" in c for c in cv_cells)
    assert any("for judge in tqdm(table.judges" in c for c in code)


def _own_output(data_root: Path, tmp_path: Path) -> Path:
    """A judge output of one's own, as the README says to give one: a ``name,openset`` CSV in a folder of its own."""
    import csv

    from judges.outputs import read_judge_output

    words = read_judge_output(data_root / "ovmerd" / "outputs" / "SALMONN" / "output-reason-7b-nosubtitle-eng-openset.npz")
    path = tmp_path / "mine" / "mine.csv"
    path.parent.mkdir()
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("name", "openset"), *((n, ", ".join(w or ())) for n, w in words.items())])
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name, add, printed", [
    ("01_judges.ipynb", "files.append(Path({own!r}))", "nosubtitle-addsub is the best variant for 10 of 10 models"),
    ("04_two_stage.ipynb", "runs.append((Path({own!r}), Path({reasons!r})))", "mean over 38 runs"),
])
def test_a_notebook_given_an_output_file_of_ones_own_runs_and_leaves_it_out_of_the_stored_runs_comparisons(
        name, add, printed, kernel_specs, data_root, monkeypatch, tmp_path):
    # README: 'put your output files in its file list'; 04 stopped at its plot (KeyError: 'mine.csv'), and 01 counted
    # the file as an eleventh MLLM without any input variant ('best variant for 10 of 11 models', 'mine +nan')
    monkeypatch.setenv("MEROV_DATA", str(data_root))
    reasons = data_root / "ovmerd" / "outputs" / "SALMONN" / "output-reason-7b-nosubtitle-eng-reason.jsonl"
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    code = "from pathlib import Path\n" + add.format(own=str(_own_output(data_root, tmp_path)), reasons=str(reasons))
    nb.cells.insert(2, nbformat.v4.new_code_cell(code))  # after the cell that lists the stored outputs
    execute(nb, kernel_specs)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(printed in o.get("text", "") for o in outputs)
