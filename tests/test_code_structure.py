"""The style guide, checked: every public function says what it does, every module exports what the others import
from it, and every judge and voting strategy shows its use in an example."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

PACKAGES = ("judges", "ensemble", "calibration")
REPO = Path(__file__).resolve().parent.parent


def _modules() -> Iterator[ModuleType]:
    """Every module of the three packages, imported (none needs an optional dependency to import)."""
    for package in PACKAGES:
        yield importlib.import_module(package)
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
            yield importlib.import_module(info.name)


def _own_public(module: ModuleType) -> Iterator[tuple[str, object]]:
    """The public functions and classes ``module`` defines itself (not those it imports)."""
    for name, value in vars(module).items():
        if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__:
            yield name, value


def test_every_public_function_and_method_of_the_packages_says_what_it_does() -> None:
    undocumented = []
    for module in _modules():
        for name, value in _own_public(module):
            if inspect.isfunction(value) and not inspect.getdoc(value):
                undocumented.append(f"{module.__name__}.{name}")
            if not inspect.isclass(value):
                continue
            for attr, member in vars(value).items():
                function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
                # a method overriding a documented one keeps its documentation (inspect.getdoc reads it)
                if not attr.startswith("_") and inspect.isfunction(function) and not inspect.getdoc(getattr(value, attr)):
                    undocumented.append(f"{module.__name__}.{name}.{attr}")
    assert undocumented == []


def test_every_judge_and_voting_strategy_shows_its_use_in_an_example() -> None:
    from ensemble.voter_base import ClassVoter
    from judges.base import Judge

    without = [f"{module.__name__}.{name}" for module in _modules() for name, value in _own_public(module)
               if inspect.isclass(value) and issubclass(value, (Judge, ClassVoter)) and ">>>" not in (value.__doc__ or "")]
    assert without == []


def test_every_public_name_a_module_imports_from_another_of_the_packages_is_in_that_modules_all() -> None:
    unlisted = []
    for path in sorted(p for package in PACKAGES for p in (REPO / package).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES):
                continue
            exported = getattr(importlib.import_module(node.module), "__all__", None)
            unlisted += [f"{path.relative_to(REPO)}:{node.lineno}: {node.module}.{alias.name}" for alias in node.names
                         if exported is not None and not alias.name.startswith("_") and alias.name not in exported]
    assert unlisted == []


def test_every_name_in_a_modules_all_is_public_and_defined_there() -> None:
    wrong = [f"{module.__name__}.{name}" for module in _modules() for name in getattr(module, "__all__", ())
             if name.startswith("_") or not hasattr(module, name)]
    assert wrong == []


def _private(name: str) -> bool:
    """A name its module keeps to itself: ``_x`` and ``__x``, not a dunder (``__version__``)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__") and len(name) > 4)


def _imported_module(node: ast.ImportFrom, path: Path) -> str:
    """The absolute name of the module ``node`` imports from, ``from .runner import x`` in judges/ as ``judges.runner``."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(REPO).parent.parts)
    package = package[:len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def _borrowed_private_names(path: Path) -> list[str]:
    """Where the module at ``path`` imports, or reads as ``module._name``, a private name of a module of the packages."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    borrowed = []
    modules: set[str] = set()  # local names bound to a module of the packages
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _imported_module(node, path).split(".")[0] in PACKAGES:
            module = _imported_module(node, path)
            borrowed += [f"{path.relative_to(REPO)}:{node.lineno}: {module}.{alias.name}" for alias in node.names if _private(alias.name)]
            folder = REPO.joinpath(*module.split("."))
            modules |= {alias.asname or alias.name for alias in node.names if (folder / f"{alias.name}.py").exists()}
        elif isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name.split(".")[0] in PACKAGES}
    borrowed += [f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}" for node in ast.walk(tree)
                 if isinstance(node, ast.Attribute) and ast.unparse(node.value) in modules and _private(node.attr)]
    return borrowed


def test_no_module_uses_a_private_name_of_another_module() -> None:
    """A name another module imports, or reads as ``module._name``, is part of the packages' internal API: it is public."""
    borrowed = [hit for folder in (*PACKAGES, "benchmarks") for path in sorted((REPO / folder).glob("*.py"))
                for hit in _borrowed_private_names(path)]
    assert borrowed == []


def test_the_private_name_check_sees_relative_imports_and_double_underscore_names(tmp_path, monkeypatch) -> None:
    # 'from .runner import _x', 'from . import runner' then 'runner._x', and 'from judges.runner import __x' passed unseen
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    (tmp_path / "judges").mkdir()
    (tmp_path / "judges" / "runner.py").write_text("_x = __y = 1\n", encoding="utf-8")
    module = tmp_path / "judges" / "borrower.py"
    module.write_text("from .runner import _x\nfrom . import runner\nfrom judges.runner import __y, __doc__\nrunner._x\n", encoding="utf-8")
    assert _borrowed_private_names(module) == ["judges/borrower.py:1: judges.runner._x", "judges/borrower.py:3: judges.runner.__y",
                                               "judges/borrower.py:4: runner._x"]


def test_every_class_the_ensemble_package_exports_names_each_parameter_it_takes_in_its_docstring() -> None:
    # help(CoJudge) said nothing of cache, batch_size, batch_timeout or retry_failed, help(StackedVoter) nothing of C,
    # help(FusedPrediction) nothing of judges_answered: what a user of the package's front door reads first
    import re

    import ensemble
    from ensemble.voter_base import ClassVoter

    def named(parameter: str, doc: str) -> bool:
        return re.search(rf"``{re.escape(parameter)}(``|=|\[)", doc) is not None

    unnamed = []
    for name in ensemble.__all__:
        cls = getattr(ensemble, name)
        doc = inspect.getdoc(cls) or ""
        for parameter in inspect.signature(cls).parameters:
            # a voting strategy's decision parameters are the base class's, documented there once
            if not named(parameter, doc) and not (issubclass(cls, ClassVoter) and named(parameter, inspect.getdoc(ClassVoter) or "")):
                unnamed.append(f"{name}({parameter})")
    assert unnamed == []


def test_every_python_file_compiles_without_a_warning() -> None:
    # an invalid escape such as "\s" in a string that is not raw warns at compile time (DeprecationWarning in 3.11,
    # SyntaxWarning from 3.12), and a later Python refuses it
    files = [path for folder in (*PACKAGES, "tests", "benchmarks") for path in sorted((REPO / folder).rglob("*.py"))]
    warned = []
    for path in files:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        warned += [f"{path.relative_to(REPO)}:{w.lineno}: {w.message}" for w in caught]
    assert files and warned == []
