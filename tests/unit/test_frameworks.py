"""Framework detection from grammars/frameworks.toml, on small snippets written for these tests."""

from __future__ import annotations

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
