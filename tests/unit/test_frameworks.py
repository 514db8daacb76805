"""Framework detection from grammars/frameworks.toml, on small snippets written for these tests."""

from __future__ import annotations

import sys
import time

import pytest

from pieces_lsp.analysis import frameworks
from pieces_lsp.analysis.frameworks import detect, display_name, known, scores
from pieces_lsp.analysis.parsing import parse

REQUIRED = [
    "react",
    "vue",
    "angular",
    "express",
    "nextjs",
    "django",
    "flask",
    "fastapi",
    "pandas",
    "numpy",
    "pytorch",
    "tensorflow",
    "spring",
    "junit",
    "pytest",
    "rails",
    "laravel",
    "gin",
    "tokio",
    "actix",
    "requests",
    "lodash",
    "axios",
]


def test_table_covers_the_required_frameworks() -> None:
    assert set(REQUIRED) <= set(known())
    assert display_name("fastapi") == "FastAPI"
    assert display_name("not-a-framework") == "not-a-framework"


def test_every_evidence_query_compiles() -> None:
    table = frameworks._table()
    for fw in table.frameworks:
        for rule in fw.rules:
            if rule.query is None:
                continue
            for lang in rule.languages or fw.languages:
                if frameworks.grammar(lang) is not None:
                    assert frameworks._compiled_query(lang, rule.query) is not None, (fw.id, lang)


# Fragments without imports: usage evidence must carry them.
FRAGMENTS: list[tuple[str, str, str]] = [
    (
        "javascript",
        "function Counter({ start }) {\n  const [n, setN] = useState(start);\n"
        "  return <button onClick={() => setN(n + 1)}>{n}</button>;\n}\n",
        "react",
    ),
    (
        "javascript",
        "router.post('/login', (req, res, next) => {\n  if (!req.body.user) return next();\n"
        "  res.status(201).json({ ok: true });\n});\n",
        "express",
    ),
    (
        "typescript",
        "@Component({\n  selector: 'app-hero',\n  templateUrl: './hero.html',\n})\n"
        "export class HeroComponent implements OnInit {\n  ngOnInit(): void {}\n}\n",
        "angular",
    ),
    (
        "javascript",
        "export default {\n  data() { return { open: false } },\n"
        "  methods: { toggle() { this.$emit('toggle') } },\n}\n",
        "vue",
    ),
    (
        "typescript",
        "export async function getServerSideProps(ctx) {\n  return { props: {} };\n}\n",
        "nextjs",
    ),
    (
        "python",
        "class Invoice(models.Model):\n    total = models.DecimalField(max_digits=9)\n\n"
        "def unpaid(request):\n    return render(request, 'x.html', "
        "{'rows': Invoice.objects.filter(paid=False)})\n",
        "django",
    ),
    (
        "python",
        "@app.route('/hello/<name>')\ndef hello(name):\n"
        "    return render_template('hello.html', name=name)\n",
        "flask",
    ),
    (
        "python",
        "@app.get('/orders/{order_id}')\nasync def read(order_id: int, db=Depends(get_db)):\n"
        "    return db.get(order_id)\n",
        "fastapi",
    ),
    ("python", "sales = pd.read_parquet(path)\nsales.groupby('region').revenue.sum()\n", "pandas"),
    ("python", "grid = np.zeros((3, 3))\ngrid[1, 1] = np.pi\n", "numpy"),
    (
        "python",
        "class Net(nn.Module):\n    def forward(self, x):\n        return torch.relu(x)\n",
        "pytorch",
    ),
    (
        "python",
        "model = tf.keras.Sequential([tf.keras.layers.Dense(10)])\nmodel.compile('adam')\n",
        "tensorflow",
    ),
    (
        "python",
        "@pytest.fixture\ndef user(tmp_path):\n    return tmp_path / 'u'\n",
        "pytest",
    ),
    ("python", "r = requests.get(url, timeout=5)\nr.raise_for_status()\n", "requests"),
    (
        "java",
        '@RestController\nclass Greeting {\n  @GetMapping("/hi")\n'
        "  String hi(@RequestParam String name) { return name; }\n}\n",
        "spring",
    ),
    (
        "kotlin",
        "@Service\nclass Mailer(private val jdbcTemplate: JdbcTemplate) {\n"
        "    @Transactional fun send() {}\n}\n",
        "spring",
    ),
    (
        "java",
        "class CalcTest {\n  @Test\n  void adds() { assertEquals(4, 2 + 2); }\n}\n",
        "junit",
    ),
    (
        "ruby",
        "class PostsController < ApplicationController\n  before_action :set_post\n"
        "  def show; redirect_to root_path; end\nend\n",
        "rails",
    ),
    (
        "php",
        "<?php\nRoute::get('/users/{id}', function ($id) {\n"
        "  return view('user', ['id' => $id]);\n});\n",
        "laravel",
    ),
    (
        "go",
        'func ping(c *gin.Context) {\n\tc.JSON(200, gin.H{"ok": true})\n}\n',
        "gin",
    ),
    ("rust", "#[tokio::main]\nasync fn main() {\n    tokio::spawn(async {});\n}\n", "tokio"),
    (
        "rust",
        'async fn index() -> impl Responder {\n    HttpResponse::Ok().body("hi")\n}\n',
        "actix",
    ),
    ("javascript", "const total = _.sumBy(items, 'price');\n", "lodash"),
    ("javascript", "const { data } = await axios.get('/api/items');\n", "axios"),
]


@pytest.mark.parametrize(("language", "text", "expected"), FRAGMENTS, ids=[f[2] for f in FRAGMENTS])
def test_fragments_without_imports(language: str, text: str, expected: str) -> None:
    found = detect(text, language)
    assert found, scores(text, language)
    assert found[0] == expected, (found, scores(text, language))


WITH_IMPORTS: list[tuple[str, str, str]] = [
    ("python", "from flask import Flask\n", "flask"),
    ("python", "import torch.nn.functional as F\n", "pytorch"),
    ("javascriptreact", "import { createRoot } from 'react-dom/client';\n", "react"),
    ("typescript", "import Link from 'next/link';\n", "nextjs"),
    ("java", "import org.springframework.context.annotation.Bean;\n", "spring"),
    ("go", 'package main\nimport "github.com/gin-gonic/gin"\n', "gin"),
    ("rust", "use actix_web::{web, App};\n", "actix"),
    ("ruby", "require 'rails/all'\n", "rails"),
    ("php", "<?php\nuse Illuminate\\Support\\Facades\\DB;\n", "laravel"),
]


@pytest.mark.parametrize(("language", "text", "expected"), WITH_IMPORTS)
def test_imports_decide(language: str, text: str, expected: str) -> None:
    assert detect(text, language)[0] == expected


# Plain code must stay "none": generic hints alone never reach a threshold.
PLAIN: list[tuple[str, str]] = [
    (
        "python",
        "import sys\n\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n"
        "print(fib(int(sys.argv[1])))\n",
    ),
    (
        "javascript",
        "const http = require('node:http');\nhttp.createServer((req, res) => {\n"
        "  res.writeHead(200);\n  res.end('ok');\n}).listen(8080);\n",
    ),
    (
        "java",
        "import java.util.List;\n\npublic class Sum {\n  public static int sum(List<Integer> xs)"
        " {\n    int t = 0;\n    for (int x : xs) t += x;\n    return t;\n  }\n}\n",
    ),
    (
        "kotlin",
        "fun main(args: Array<String>) {\n    val words = args.map { it.uppercase() }\n"
        "    println(words.joinToString())\n}\n",
    ),
    (
        "typescript",
        "export function clamp(x: number, lo: number, hi: number): number {\n"
        "  return Math.min(hi, Math.max(lo, x));\n}\n",
    ),
    ("go", 'package main\nimport "fmt"\nfunc main() { fmt.Println("hi") }\n'),
    ("plaintext", "Remember to buy milk and call the bank tomorrow."),
]


@pytest.mark.parametrize(("language", "text"), PLAIN, ids=[p[0] for p in PLAIN])
def test_plain_code_is_none(language: str, text: str) -> None:
    assert detect(text, language) == []


def test_framework_ranks_before_its_test_runner_and_base_library() -> None:
    flask_test = (
        "import pytest\nfrom flask import Flask\n\n@pytest.fixture\ndef client():\n"
        "    return Flask(__name__).test_client()\n"
    )
    found = detect(flask_test, "python")
    assert found[0] == "flask" and "pytest" in found
    frame = "import numpy as np\nimport pandas as pd\ndf = pd.DataFrame(np.ones(3))\n"
    found = detect(frame, "python")
    assert found.index("pandas") < found.index("numpy")
    spring_test = (
        "@SpringJUnitConfig(AppConfig.class)\nclass RepoTests {\n  @Autowired Repo repo;\n"
        "  @Test void finds() { assertNotNull(repo.find(1)); }\n}\n"
    )
    assert detect(spring_test, "java")[0] == "spring"


def test_language_scopes_the_table() -> None:
    # Spring's @Component is not Angular's, and JSX-looking text in Python means nothing.
    assert "angular" not in detect("@Component\nclass Repo {}\n", "java")
    assert detect("x = '<div className={a}></div>'\n", "python") == []


def test_given_parse_and_imports_are_used() -> None:
    text = "const app = express();\napp.get('/', (req, res) => res.send('hi'));\n"
    parsed = parse(text, "javascript")
    assert detect(text, "javascript", parsed=parsed, imported=[]) == ["express"]
    assert detect("x = 1\n", "python", imported=["django.db"]) == ["django"]


def test_speed_of_a_hundred_line_snippet() -> None:
    body = "".join(
        f"  const [v{i}, setV{i}] = useState({i});\n  useEffect(() => setV{i}({i}), []);\n"
        for i in range(48)
    )
    text = f"function Big() {{\n{body}  return <div />;\n}}\n"
    detect(text, "javascript")  # warm caches
    times = []
    for _ in range(20):
        start = time.perf_counter()
        detect(text, "javascript")
        times.append(time.perf_counter() - start)
    assert sorted(times)[len(times) // 2] < 0.05


# ---------------------------------------------------------------------------------------------
# API vocabularies (grammars/vocab/, generated by grammars/vocab/build_vocab.py)
# ---------------------------------------------------------------------------------------------


SPRING_LIFECYCLE = """\
public class AuditBeanPostProcessor implements BeanPostProcessor, ApplicationContextAware {

    private ApplicationContext context;

    public void setApplicationContext(ApplicationContext applicationContext) {
        this.context = applicationContext;
    }

    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean;
    }
}
"""

PANDAS_FRAGMENT = """\
sales = raw.dropna(subset=["region"]).reset_index(drop=True)
summary = sales.groupby("region").agg(total=("amount", "sum"))
summary.sort_values("total", ascending=False).to_csv("summary.csv")
"""


SCHEDULER = """\
public class ReportScheduler implements SmartLifecycle {

    private final TaskScheduler taskScheduler;
    private ScheduledFuture<?> future;

    public void start() {
        future = taskScheduler.scheduleWithFixedDelay(this::run, Duration.ofMinutes(5));
    }

    public boolean isAutoStartup() {
        return true;
    }
}
"""

PIVOT = """\
totals = orders.pivot_table(index="month", columns="region", values="amount", aggfunc="sum")
totals = totals.fillna(0).astype(int)
print(totals.iloc[:3])
"""

JS_STORE = """\
function Counter() {
  const count = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return count;
}
"""


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("java", SPRING_LIFECYCLE, "spring"),
        ("kotlin", SCHEDULER, "spring"),
        ("python", PANDAS_FRAGMENT, "pandas"),
        ("python", PIVOT, "pandas"),
        ("javascript", JS_STORE, "react"),
    ],
)
def test_vocabulary_names_the_framework(language: str, text: str, expected: str) -> None:
    assert detect(text, language)[:1] == [expected]
    wanted = {r.vocab for fw in frameworks._table().frameworks for r in fw.rules if r.vocab}
    # the API names vote for this framework alone (its neighbours' shared names do not count)
    assert set(frameworks._vocab_scores(text, wanted)) == {expected}


PLAIN_WITH_API_WORDS = [
    (
        "python",
        """\
class Model:
    def __init__(self, items):
        self.items = dict(items)

    def get(self, key, default=None):
        return self.items.get(key, default)

def handle(request, response):
    values = list(map(str.strip, request.split(",")))
    response.append(values)
    return response
""",
    ),
    (
        "java",
        """\
public class Request {
    private final Map<String, String> params = new HashMap<>();

    public String get(String name) {
        return params.get(name);
    }

    public Response handle(Model model) {
        List<String> names = params.keySet().stream().map(String::trim).toList();
        return new Response(200, String.join(",", names));
    }
}
""",
    ),
    (
        "javascript",
        """\
class Response {
  constructor(status, body) { this.status = status; this.body = body; }
}

function handle(request) {
  const values = request.items.map((x) => x.value).filter(Boolean);
  return new Response(200, values.join(','));
}

const model = new Map();
model.set('a', 1);
console.log(model.get('a'));
""",
    ),
    (
        "kotlin",
        """\
data class Model(val name: String, val size: Int)

fun render(models: List<Model>): String =
    models.map { it.name.uppercase() }.filter { it.isNotEmpty() }.joinToString(", ")

fun main() {
    val count = "42".toInt()
    println(render(listOf(Model("a", count))))
}
""",
    ),
]


@pytest.mark.parametrize(("language", "text"), PLAIN_WITH_API_WORDS)
def test_common_api_words_stay_none(language: str, text: str) -> None:
    assert detect(text, language) == []


def test_vocabulary_files_are_small_sorted_and_unique() -> None:
    from pieces_lsp.resources import grammars_dir

    files = sorted((grammars_dir() / "vocab").glob("*.txt"))
    assert {f.stem for f in files} >= {"spring", "react", "django", "fastapi", "pandas"}
    for path in files:
        assert path.stat().st_size < 200_000, path.name
        names = path.read_text(encoding="utf-8").splitlines()
        assert names == sorted(set(names)), path.name
        assert all(n and " " not in n for n in names), path.name


def test_every_vocabulary_file_has_a_rule() -> None:
    from pieces_lsp.resources import grammars_dir

    used = {r.vocab for fw in frameworks._table().frameworks for r in fw.rules if r.vocab}
    assert {f.stem for f in (grammars_dir() / "vocab").glob("*.txt")} == used


def test_vocabulary_loads_fast() -> None:
    frameworks._vocab_owners.cache_clear()
    start = time.perf_counter()
    owners = frameworks._vocab_owners()
    elapsed = time.perf_counter() - start
    assert len(owners) > 10_000
    assert elapsed < 0.25  # about 20 ms on a quiet machine; generous for shared CI


def test_specific_names_weigh_more_than_shared_single_words() -> None:
    owners = frameworks._vocab_owners()
    _, compound, _ = frameworks._name_weight("ResponseEntity", owners["ResponseEntity"])
    _, shared, _ = frameworks._name_weight("render", owners.get("render", "a b"))
    assert compound > 3 * shared


def _build_vocab_module():  # type: ignore[no-untyped-def]
    import importlib.util

    from pieces_lsp.resources import grammars_dir

    path = grammars_dir() / "vocab" / "build_vocab.py"
    spec = importlib.util.spec_from_file_location("build_vocab", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_vocab", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_build_vocab_extracts_public_python_names() -> None:
    bv = _build_vocab_module()
    source = """\
__all__ = ["Frame", "read_table"]

class Frame:
    columns: list
    def sort_rows(self, by, ascending=True): ...
    def _private(self): ...

def read_table(path, sep=","): ...
def _helper(): ...
"""
    names = bv.python_source_names(source)
    assert {"Frame", "read_table", "columns", "sort_rows", "ascending", "sep"} <= names
    assert "_private" not in names and "_helper" not in names and "self" not in names


def test_build_vocab_extracts_typescript_declarations() -> None:
    bv = _build_vocab_module()
    dts = """\
export declare function useWidget(id: string): Widget;
export interface WidgetProps {
    readonly widgetId: string;
    onSelect?(value: number): void;
}
export { createWidget as makeWidget };
"""
    names = bv.dts_source_names(dts)
    assert {"useWidget", "WidgetProps", "widgetId", "onSelect", "makeWidget"} <= names


def test_a_spring_package_declaration_is_spring_evidence():
    code = (
        "package org.springframework.samples.petclinic.owner;\n\n"
        "public class Pet {\n    private String name;\n}\n"
    )
    assert frameworks.detect(code, "java")[:1] == ["spring"]
    plain = "package com.example.shop;\n\npublic class Pet {\n    private String name;\n}\n"
    assert frameworks.detect(plain, "java") == []


# ---------------------------------------------------------------------------------------------
# Usage idioms of fragments without imports (one example per rule, written for these tests)
# ---------------------------------------------------------------------------------------------

IDIOMS: list[tuple[str, str, str, str]] = [
    # (id, language, text, expected top framework)
    (
        "react-reducer",
        "javascript",
        "function cartReducer(cart, action) {\n  switch (action.type) {\n"
        "    case 'emptied':\n      return [];\n    default:\n      return cart;\n  }\n}\n",
        "react",
    ),
    (
        "react-action-type-checks",
        "javascript",
        "function filtersReducer(filters, action) {\n"
        "  if (action.type === 'cleared') return {};\n  return filters;\n}\n",
        "react",
    ),
    (
        "react-dispatch-with-comments",
        "javascript",
        "dispatch({\n  // which filter changed\n  type: 'toggled',\n  name: 'price',\n});\n",
        "react",
    ),
    (
        "react-jsx-host-attributes",
        "javascript",
        '<label htmlFor="qty" className="field">\n',
        "react",
    ),
    (
        "react-jsx-event-prop",
        "javascriptreact",
        "<input onChange={e => setQty(e.target.value)}\n",
        "react",
    ),
    (
        "react-immutable-update",
        "javascript",
        "setProfile({\n  ...profile,\n  city: 'Lyon',\n});\n",
        "react",
    ),
    (
        "react-handler-and-setter",
        "javascript",
        "function handleReset() {\n  setQuery('');\n}\n",
        "react",
    ),
    ("react-server-directive", "javascript", "'use client';\n\nexport const size = 3;\n", "react"),
    (
        "react-props-component",
        "javascript",
        "function Badge(props) {\n  return props.label.toUpperCase();\n}\n",
        "react",
    ),
    (
        "spring-jdbc-client",
        "java",
        'int n = jdbcClientLike.sql("DELETE FROM carts WHERE age > :days")\n'
        '    .param("days", 30)\n    .update();\n',
        "spring",
    ),
    (
        "spring-database-client-kotlin",
        "kotlin",
        'val names = db.sql("SELECT title FROM book")\n    .fetch().all()\n',
        "spring",
    ),
    (
        "spring-aspectj-advice",
        "java",
        '@Aspect\nclass Timing {\n  @Around("app.Pointcuts.services()")\n'
        "  Object time(ProceedingJoinPointLike p) { return null; }\n}\n",
        "spring",
    ),
    (
        "spring-classpath-resource",
        "java",
        'Resource schema = loaderLike.load("classpath:db/schema.sql");\n',
        "spring",
    ),
    (
        "spring-resource-loader",
        "kotlin",
        'val logo = context.getResource("static/logo.png")\n',
        "spring",
    ),
    ("spring-get-bean-kotlin", "kotlin", "val repo = ctx.getBean<OrderRepository>()\n", "spring"),
    (
        "spring-stomp-client",
        "java",
        "StompSessionHandler handler = new PriceHandler();\nclient.connect(url, handler);\n",
        "spring",
    ),
    (
        "spring-bind-param",
        "kotlin",
        'data class Filter(@BindParam("max-price") val maxPrice: Int)\n',
        "spring",
    ),
    (
        "django-custom-manager",
        "python",
        "def latest(request):\n    return Article.objects.published_today()\n",
        "django",
    ),
    ("django-app-import", "python", "from crispy_forms.helper import FormHelper\n", "django"),
    ("flask-request-args", "python", "page = int(request.args.get('page', 1))\n", "flask"),
    ("flask-current-app", "python", "current_app.logger.info('cache warmed')\n", "flask"),
    (
        "flask-session-modified",
        "python",
        "session['cart'].append(sku)\nsession.modified = True\n",
        "flask",
    ),
    ("flask-blueprint-endpoint", "python", "target = url_for('shop.checkout')\n", "flask"),
    ("flask-module", "python", "flask.abort(403)\n", "flask"),
    ("flask-g", "python", "g.tenant = load_tenant()\nif g.user is None:\n    pass\n", "flask"),
    (
        "flask-2-route-shortcut",
        "python",
        "@app.get('/orders/<int:order_id>')\ndef show_order(order_id):\n"
        "    return render_template('order.html', id=order_id)\n",
        "flask",
    ),
    (
        "fastapi-async-handler",
        "python",
        '@router.get("/stock")\nasync def stock():\n    return {"left": 3}\n',
        "fastapi",
    ),
    (
        "fastapi-multiline-annotated",
        "python",
        "def search(\n    term: Annotated[\n        str,\n        Query(max_length=40),\n"
        "    ],\n):\n    return term\n",
        "fastapi",
    ),
    (
        "pandas-axis-argument",
        "python",
        "sales = sales.drop(['tmp', 'debug'], axis=1)\n",
        "pandas",
    ),
    (
        "pandas-new-column",
        "python",
        "orders['net'] = orders.gross - orders.tax\n",
        "pandas",
    ),
    ("pandas-quick-look", "python", "del trips['raw']\ntrips.head()\n", "pandas"),
    (
        "pandas-plot-with-matplotlib",
        "python",
        "import pandas as pd\nimport matplotlib.pyplot as plt\n"
        "pd.Series([1, 2]).plot()\nplt.title('two')\n",
        "pandas",
    ),
    (
        "django-field-lookups",
        "python",
        "def recent(since):\n    return Order.shop.filter(placed__gte=since, state__in=OPEN)\n",
        "django",
    ),
    (
        "django-queryset-methods",
        "python",
        "rows = orders.select_related('customer').values_list('id', flat=True)\n",
        "django",
    ),
    (
        "django-admin-class",
        "python",
        "class OrderAdmin(admin.ModelAdmin):\n    list_display = ('id', 'placed')\n",
        "django",
    ),
    (
        "django-app-config",
        "python",
        "class ShopConfig(AppConfig):\n    name = 'shop'\n\n    def ready(self):\n"
        "        from . import signals\n",
        "django",
    ),
    (
        "spring-transactional-attributes",
        "java",
        "@Transactional(readOnly = true)\npublic List<Order> open() {\n"
        "    return orders.open();\n}\n",
        "spring",
    ),
    (
        "react-default-exported-component",
        "javascript",
        "export default function Gallery() {\n  // ...\n}\n",
        "react",
    ),
]


@pytest.mark.parametrize(
    ("language", "text", "expected"), [i[1:] for i in IDIOMS], ids=[i[0] for i in IDIOMS]
)
def test_usage_idioms(language: str, text: str, expected: str) -> None:
    found = detect(text, language)
    assert found[:1] == [expected], (found, scores(text, language))


# Look-alikes of those idioms in code that uses no framework.
LOOK_ALIKES: list[tuple[str, str, str]] = [
    (
        "kotlin-string-templates",
        "kotlin",
        'fun show(p: Pair<String, Int>) {\n    println("${p.first} has ${p.second}")\n}\n',
    ),
    (
        "union-find-index-chasing",
        "python",
        "def find(parent, x):\n    while parent[x] != x:\n"
        "        parent[x] = parent[parent[x]]\n        x = parent[x]\n    return x\n",
    ),
    (
        "python-str-join",
        "python",
        "def line(cells):\n    return ', '.join(cells) + '\\n' + ' | '.join(cells)\n",
    ),
    (
        "seaborn-grid-variable",
        "python",
        "g = grid_of(points)\ng.map(draw)\ng.add_legend()\n",
    ),
    (
        "own-render-template",
        "python",
        "def render_template(env, name):\n    return env.get_template(name).render()\n",
    ),
    (
        "own-functions-named-like-api",
        "python",
        "def get_full_name(first_name, last_name):\n    return first_name + ' ' + last_name\n",
    ),
    (
        "dom-event-handler",
        "javascript",
        "const handleResize = () => layout(window.innerWidth);\n"
        "window.addEventListener('resize', handleResize);\n",
    ),
    (
        "less-than-then-style",
        "javascript",
        "if (i<n) { draw(i); }\nconst style = { color: 'red' };\n",
    ),
    ("junit4-before", "java", "@Before\npublic void setUp() {\n    list = new ArrayList<>();\n}\n"),
    # Shapes of ordinary library code that read as frameworks before bench/evals/realcode.py
    (
        "camel-case-default-export-and-double-underscores",
        "javascript",
        "export default function createStore(reducer) {\n"
        "  return { state: reducer(undefined) };\n}\nconst dunder = obj.__proto__;\n",
    ),
    (
        "python-dunder-keywords",
        "python",
        "def build(cls):\n    return cls.filter(__name__='x', key__len=3)\n",
    ),
    (
        "pathlib-path-is-not-fastapi-path",
        "python",
        "def load(name):\n    p = Path(name)\n    return p.read_text() if p.exists() else ''\n",
    ),
    (
        "os-path-join-is-not-dataframe-join",
        "python",
        "def layout(root):\n    src = os.path.join(root, 'src')\n"
        "    out = os.path.join(root, 'out')\n    return os.path.join(src, out)\n",
    ),
    (
        "dict-values-at-line-end",
        "python",
        "def merged(left, right):\n    a = left.values()\n    b = right.values()\n"
        "    return [*a, *b]\n",
    ),
    (
        "api-words-in-a-docstring",
        "python",
        'def fetch(url):\n    """Describe the response; raise CommandError when the\n'
        '    BaseCommand or a Column of the ModelAdmin is missing, as HttpResponse does."""\n'
        "    return get(url)\n",
    ),
    (
        "typescript-interface-setters",
        "typescript",
        "interface Cipher {\n  setAutoPadding(auto?: boolean): this;\n"
        "  setAAD(buffer: Uint8Array): this;\n  setAuthTag(tag: Uint8Array): this;\n}\n",
    ),
    (
        "class-setter-methods",
        "javascript",
        "class Box {\n  setWidth(w) { this.w = w; }\n  setHeight(h) { this.h = h; }\n"
        "  setDepth(d) { this.d = d; }\n}\n",
    ),
    (
        "two-argument-set-helpers",
        "javascript",
        "setTextRange(expression, node);\nsetTextRange(factory.createComma(a, b), node);\n"
        "setParent(child, root);\n",
    ),
    (
        "dom-create-element",
        "javascript",
        "const el = document.createElement('div');\nconst ctx = vm.createContext({});\n"
        "document.body.appendChild(el);\n",
    ),
]


@pytest.mark.parametrize(
    ("language", "text"), [x[1:] for x in LOOK_ALIKES], ids=[x[0] for x in LOOK_ALIKES]
)
def test_look_alikes_stay_none(language: str, text: str) -> None:
    assert detect(text, language) in ([], ["junit"]), scores(text, language)
    assert "spring" not in detect(text, language)


def test_sqlalchemy_query_is_not_a_dataframe_query() -> None:
    text = "def active(session):\n    return session.query(Account).filter(Account.on).all()\n"
    assert "pandas" not in detect(text, "python")
    assert detect("hot = temps.query('celsius > 30')\nhot.head()\n", "python")[:1] == ["pandas"]


def test_starlette_request_calls_are_not_flask() -> None:
    text = "async def submit(request):\n    form = await request.form()\n"
    text += "    data = await request.json()\n    return form, data\n"
    assert "flask" not in detect(text, "python")


def test_ambiguous_route_shortcut_prefers_fastapi_only_with_its_shape() -> None:
    # @app.get is FastAPI's idiom and a Flask 2 shortcut: the handler's shape adds FastAPI
    # evidence, a <var> path settles it for Flask.
    typed = '@app.get("/items/{item_id}")\ndef item(item_id: int):\n    return {"id": item_id}\n'
    plain = '@app.get("/health")\ndef health():\n    return {"ok": True}\n'
    assert detect(typed, "python")[:1] == ["fastapi"]
    assert scores(typed, "python")["fastapi"] > scores(plain, "python")["fastapi"]
    flask_path = "@app.get('/items/<item_id>')\ndef item(item_id):\n    return item_id\n"
    assert detect(flask_path, "python")[:1] == ["flask"]
    assert "fastapi" not in detect(flask_path, "python")


def test_defined_names_are_not_api_evidence() -> None:
    text = (
        "def get_full_name(first_name, last_name):\n    full_name = first_name\n"
        "class Report:\n    def get_queryset(self, request):\n        pass\n"
        "@decorate(\n    response_model=Item,\n)\nconst useThing = () => 1\n"
    )
    defined = frameworks._defined_names(text)
    assert {"get_full_name", "first_name", "last_name", "full_name", "useThing"} <= defined
    # a method may implement a framework hook, and a keyword argument is the API's own name
    assert "get_queryset" not in defined and "response_model" not in defined
    kotlin = "fun registerScope(scopeName: String, scope: Scope)\n"
    assert "registerScope" not in frameworks._defined_names(kotlin)


def test_build_vocab_stoplist_has_the_c_modules_names() -> None:
    bv = _build_vocab_module()
    names = bv.python_extension_names()
    # sqlite3 re-exports these from _sqlite3, math is a C module
    assert {"register_converter", "executescript", "sqrt", "floor"} <= names


def test_numpy_code_is_numpy_only() -> None:
    """scikit-learn's and Keras' packages export NumPy's names too; NumPy code is NumPy's."""
    text = (
        "def check(a):\n    b = np.zeros_like(a, dtype=np.float64)\n"
        "    assert_array_equal(a.astype(np.float64), b)\n"
        "    c = np.arange(a.size, dtype=np.int64)\n    return c.reshape(a.shape)\n"
    )
    assert detect(text, "python") == ["numpy"]


def test_names_common_outside_frameworks_are_not_vocabulary() -> None:
    owners = frameworks._vocab_owners()
    common = frameworks._common_names(frameworks.grammars_dir() / "vocab" / "common" / "names.txt")
    assert {"status_code", "Column", "getHost"} <= common
    assert not common & owners.keys()
    assert owners["ResponseEntity"] == "spring" and owners["read_csv"] == "pandas"
    assert owners["float64"] == "numpy"  # shared with scikit-learn/Keras: the base keeps it
    assert not any(name.startswith("test_") for name in owners)  # Keras' own test cases


def test_state_setters_still_count_as_react() -> None:
    text = "function reset() {\n  setName('');\n  setEmail('');\n  setErrors({});\n}\n"
    assert detect(text, "javascript") == ["react"]


def test_fastapi_parameter_defaults_still_count() -> None:
    text = (
        "async def read_item(item_id: int = Path(..., ge=1), q: str = Query(None,"
        " max_length=50)):\n    return {'item_id': item_id, 'q': q}\n"
    )
    assert detect(text, "python") == ["fastapi"]
