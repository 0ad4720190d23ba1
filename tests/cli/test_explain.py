"""`stsctl explain`: kubectl's plaintext layout from the bundled schema, offline.

The layout follows `k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl`: a literal tab between
a field's name and type, descriptions wrapped by go-wordwrap and indented, a line of four spaces
after the DESCRIPTION block, two blank lines after a `FIELD:` line without enum values.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stsctl.cli.commands.explain import indent, word_wrap
from tests.conftest import Result

Cli = Callable[..., Result]


def test_explain_a_field_with_child_fields_and_an_enum(cli: Cli) -> None:
    result = cli("explain", "statefulset.spec.updateStrategy")
    assert result.code == 0
    assert result.out == (
        "GROUP:      apps\n"
        "KIND:       StatefulSet\n"
        "VERSION:    v1\n"
        "\n"
        "FIELD: updateStrategy <Object>\n"
        "\n"
        "\n"
        "DESCRIPTION:\n"
        "    updateStrategy indicates the StatefulSetUpdateStrategy that will be employed\n"
        "    to update Pods in the StatefulSet when a revision is made to Template.\n"
        "    \n"
        "FIELDS:\n"
        "  rollingUpdate\t<Object>\n"
        "    RollingUpdate is used to communicate parameters when Type is\n"
        "    RollingUpdateStatefulSetStrategyType.\n"
        "\n"
        "  type\t<string>\n"
        "  enum: OnDelete, RollingUpdate\n"
        "    Type indicates the type of the StatefulSetUpdateStrategy. Default is\n"
        "    RollingUpdate.\n"
        "\n"
        "\n"
    )
    assert result.err == ""


def test_explain_a_leaf_field_through_a_list(cli: Cli) -> None:
    assert cli("explain", "sts.spec.template.spec.containers.image").out == (
        "GROUP:      apps\n"
        "KIND:       StatefulSet\n"
        "VERSION:    v1\n"
        "\n"
        "FIELD: image <string>\n"
        "\n"
        "\n"
        "DESCRIPTION:\n"
        "    Container image name. More info:\n"
        "    https://kubernetes.io/docs/concepts/containers/images This field is optional\n"
        "    to allow higher level config management to default or override container\n"
        "    images in workload controllers like Deployments and StatefulSets.\n"
        "    \n"
        "\n"
    )


def test_explain_a_field_with_enum_values_lists_them_long_form(cli: Cli) -> None:
    assert cli("explain", "sts.spec.updateStrategy.type").out.splitlines()[4:10] == [
        "FIELD: type <string>",
        "ENUM:",
        "    OnDelete",
        "    RollingUpdate",
        "",
        "DESCRIPTION:",
    ]


def test_explain_a_core_kind_has_no_group_line(cli: Cli) -> None:
    out = cli("explain", "pvc").out
    assert out.splitlines()[:12] == [
        "KIND:       PersistentVolumeClaim",
        "VERSION:    v1",
        "",
        "DESCRIPTION:",
        "    PersistentVolumeClaim is a user's request for and claim to a persistent",
        "    volume",
        "    ",
        "FIELDS:",
        "  apiVersion\t<string>",
        "    APIVersion defines the versioned schema of this representation of an object.",
        "    Servers should convert recognized schemas to the latest internal value, and",
        "    may reject unrecognized values. More info:",
    ]
    assert out.endswith(
        "  status\t<Object>\n"
        "    status represents the current information/status of a persistent volume\n"
        "    claim. Read-only. More info:\n"
        "    https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims\n"
        "\n"
        "\n"
    )


def test_explain_recursive_shows_the_tree_of_names_and_types(cli: Cli) -> None:
    out = cli("explain", "pvc.spec", "--recursive").out
    fields = out.splitlines()[out.splitlines().index("FIELDS:") + 1 :]
    assert fields == [
        "  accessModes\t<[]string>",
        "  enum: ReadOnlyMany, ReadWriteMany, ReadWriteOnce, ReadWriteOncePod",
        "  dataSource\t<Object>",
        "    apiGroup\t<string>",
        "    kind\t<string> -required-",
        "    name\t<string> -required-",
        "  dataSourceRef\t<Object>",
        "    apiGroup\t<string>",
        "    kind\t<string> -required-",
        "    name\t<string> -required-",
        "    namespace\t<string>",
        "  resources\t<Object>",
        "    limits\t<map[string]Quantity>",
        "    requests\t<map[string]Quantity>",
        "  selector\t<Object>",
        "    matchExpressions\t<[]Object>",
        "      key\t<string> -required-",
        "      operator\t<string> -required-",
        "      enum: DoesNotExist, Exists, In, NotIn",
        "      values\t<[]string>",
        "    matchLabels\t<map[string]string>",
        "  storageClassName\t<string>",
        "  volumeAttributesClassName\t<string>",
        "  volumeMode\t<string>",
        "  enum: Block, Filesystem",
        "  volumeName\t<string>",
        "",
    ]


def test_explain_marks_required_fields(cli: Cli) -> None:
    out = cli("explain", "sts.spec").out
    assert "  selector\t<Object> -required-\n" in out
    assert "  template\t<Object> -required-\n" in out
    assert "  replicas\t<integer>\n" in out


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        (
            "sts.spec.replica",
            1,
            'error: field "replica" does not exist, did you mean "statefulset.spec.replicas"?\n',
        ),
        ("sts.spec.nothingLikeIt", 1, 'error: field "nothingLikeIt" does not exist\n'),
        ("widgets", 1, 'error: the server doesn\'t have a resource type "widgets"\n'),
    ],
)
def test_unknown_resources_and_fields_are_errors(
    cli: Cli, path: str, code: int, message: str
) -> None:
    result = cli("explain", path)
    assert (result.code, result.out, result.err) == (code, "", message)


def test_explain_without_a_resource_is_a_usage_error(cli: Cli) -> None:
    result = cli("explain")
    assert result.code == 2
    assert result.err.startswith("error: You must specify the type of resource to explain.")


def test_explain_checks_the_api_version(cli: Cli) -> None:
    assert cli("explain", "sts", "--api-version", "apps/v1").code == 0
    result = cli("explain", "sts", "--api-version", "apps/v2")
    assert result.code == 1
    assert result.err == (
        'error: couldn\'t find resource for "apps/v2, Kind=StatefulSet" (stsctl knows apps/v1)\n'
    )


@pytest.mark.parametrize(
    ("text", "limit", "wrapped"),
    [
        ("", 10, ""),
        ("short", 10, "short"),
        ("one two three four", 9, "one two\nthree\nfour"),
        ("exactly ten", 11, "exactly ten"),
        # A word longer than the limit is never split; it gets a line of its own.
        (
            "see https://example.com/a/very/long/url now",
            12,
            "see\nhttps://example.com/a/very/long/url\nnow",
        ),
        # Existing line breaks stay; trailing spaces before them are kept when they fit.
        ("a b\nc d", 3, "a b\nc d"),
        ("para one.\n\npara two.", 20, "para one.\n\npara two."),
        # The spaces where a line is broken are dropped.
        ("aaa    bbb", 4, "aaa\nbbb"),
    ],
)
def test_word_wrap_follows_go_wordwrap(text: str, limit: int, wrapped: str) -> None:
    assert word_wrap(text, limit) == wrapped


def test_indent_pads_every_line_including_empty_ones() -> None:
    assert indent("a\n\nb\n", 2) == "  a\n  \n  b\n  "
