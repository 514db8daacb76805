"""Gather (docstring summary, function source) pairs from public PyPI wheels for the embedder.

    python models/embed/gather.py [--jobs 2]    # -> CACHE/pairs.jsonl (+ CACHE/gather_report.json)

Every package below is pinned to an exact version and fetched as a wheel with
`pip download --no-deps --only-binary :all:` into CACHE/pkgs (CPython 3.11, manylinux x86_64:
the Python sources inside do not depend on the platform). Only the `.py` members are read, from
the zip, with `ast`:

  - every function or method with a docstring, outside test folders, not a test itself;
  - query = the docstring's first paragraph, reduced to its first one or two sentences, with
    reStructuredText roles and markup removed; 3 to 60 words;
  - code = the function's source (decorators included) with the docstring lines removed and
    dedented; at least 2 lines of real body, at most 4,000 characters;
  - doc_rest = the docstring after its first paragraph (details, parameters), when there is
    one: build.py can put it back into a training document the way saved snippets keep their
    docstrings, without the summary that the queries are made from;
  - duplicates go: the same code (whitespace-insensitive) once over all packages (vendored
    copies), and at most 2 pairs per identical query text, because in-batch contrastive
    training treats another pair with the same query as a wrong answer.

Licences: all permissive (BSD, MIT, Apache-2.0, PSF/HPND-style, ZPL, public domain); copyleft
packages were left out. The shared evaluation sets are read for one thing only: a training
function that is also in CoSQA's corpus (the same code once its docstring is dropped; wheels
of popular packages and GitHub functions overlap) is left out, so training never sees an
evaluated function (`--evals`, default ../shared/evals beside the repository; the count is in
the report).
CACHE defaults to /work/cache/embed, overridable with PIECES_EMBED_CACHE.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CACHE = Path(os.environ.get("PIECES_EMBED_CACHE", "/work/cache/embed"))

# name==version, each a wheel on PyPI; licence in the comment where it is not BSD/MIT/Apache.
_V1 = """
CherryPy==18.10.0 aiohttp==3.14.5 alembic==1.20.1 anyio==4.16.0 apscheduler==3.11.3
arrow==1.4.0 astropy==8.0.2 attrs==26.1.0 babel==2.18.0 beautifulsoup4==4.15.0
biopython==1.88 black==26.10.1 bokeh==3.9.2 boltons==26.2.0 boto3==1.44.5 bottle==0.13.4
build==1.6.1 celery==5.7.0 charset_normalizer==3.5.2 click==8.5.1 coverage==7.17.3
cryptography==50.0.2 cython==3.3.1 dask==2026.8.0 django==5.2.19 djangorestframework==3.18.3
docker==7.2.0 docutils==0.23 eventlet==0.41.3 fabric==3.2.3 faker==40.54.0 falcon==4.4.0
fastapi==0.165.0 feedparser==6.0.14 flask==3.1.3 flax==0.12.8 fsspec==2026.9.0
geopandas==1.2.0 gevent==26.9.0 google_api_core==2.44.0 gunicorn==27.0.1 gymnasium==1.4.0
h5py==3.16.0 hatchling==1.33.0 html5lib==1.1 httpx==0.28.1 humanize==4.17.0 hyperopt==0.3.0
hypothesis==6.170.15 idna==3.20 imageio==2.38.1 imbalanced_learn==0.14.2 inflect==7.6.0
invoke==3.0.3 ipython==9.18.1 itsdangerous==2.2.0 jax==0.10.2 jedi==0.20.1 jinja2==3.1.6
jsonschema==4.26.0 jupyter_client==8.10.0 keras==3.15.1 kombu==5.7.0 lark==1.3.1
librosa==0.11.0 lightgbm==4.7.0 lmfit==1.3.4 luigi==3.8.1 markdown==3.11.3
marshmallow==4.4.0 matplotlib==3.11.2 mlflow==3.18.0 mock==5.2.0 more_itertools==11.2.1
moviepy==2.2.1 mpmath==1.4.1 music21==10.5.1 mypy==2.4.1 nbformat==5.11.1 networkx==3.6.1
nltk==3.10.4 numba==0.68.1 numpy==2.4.6 oauthlib==4.0.1 openpyxl==3.1.5 optax==0.2.8
optuna==5.0.0 packaging==26.3 pandas==3.1.1 pandera==0.35.0 parso==0.8.7 passlib==1.7.4
pdfminer_six==20260107 peewee==4.5.3 pendulum==3.3.0 petl==1.7.30 pexpect==4.9.0
pillow==13.0.0 pint==0.25.3 pip==26.3 pluggy==1.7.0 poetry_core==2.5.0 polars==2.1.0
prompt_toolkit==3.0.53 psutil==7.2.2 pydantic==2.14.3 pydot==4.0.1 pydub==0.25.1
pygments==2.21.0 pyjwt==2.15.1 pymongo==4.20.0 pyparsing==3.3.3 pypdf==7.1.0 pyramid==2.1
pyserial==3.5 pytest==9.2.0 python_dateutil==4.0.0 python_docx==1.2.0 python_pptx==1.0.2
pytz==2026.6 pyyaml==6.0.3 pyzmq==27.3.0 redis==8.1.0 reportlab==5.1.0 requests==2.34.2
rich==15.0.0 ruamel_yaml==0.19.1 sanic==25.12.1 schedule==1.2.2 scikit_image==0.26.0
scikit_learn==1.9.1 scipy==1.17.1 scrapy==2.19.0 seaborn==0.13.2 selenium==4.52.0
setuptools==84.2.1 shap==0.51.0 shapely==2.2.0 simplejson==4.3.0 simpy==4.1.2 six==1.17.0
sktime==1.2.0 sortedcontainers==2.4.0 spacy==3.8.18 sphinx==9.0.4 sqlalchemy==2.1.9
sqlparse==0.6.1 starlette==1.10.0 statsmodels==0.15.0 sympy==1.14.0 tablib==3.10.0
tabulate==0.10.0 textblob==0.20.1 textual==8.2.8 tomlkit==0.15.2 toolz==1.2.0
tornado==6.6.1 tox==4.67.15 traitlets==5.16.1 transformers==5.23.0 trio==0.35.0
twisted==26.10.0 typer==0.29.2 urllib3==2.8.0 uvicorn==0.54.0 virtualenv==21.15.8
wagtail==8.0.1 websockets==17.4 werkzeug==3.1.9 wheel==0.48.0 xarray==2026.9.0
xlsxwriter==3.3.1 xmltodict==1.0.4 zeep==4.3.3 zope_interface==8.7
"""
# v2 additions: web, data, CLI, devops, scientific, testing, ML tooling (all latest wheels
# at gathering time, pinned here)
_V2 = """
Flask_Login==0.6.3 accelerate==1.15.0 altair==6.3.0 arcade==3.3.3 argcomplete==3.7.2 arviz==0.23.4
authlib==1.9.9 avro==1.12.2 azure_storage_blob==12.31.1 behave==1.3.3 bleach==6.4.0 blessed==1.52.0
cachetools==8.0.1 cattrs==26.2.1 channels==4.3.2 click_plugins==1.1.1.2 cliff==4.17.0
cloudpickle==3.1.2 cmd2==4.3.1 colorama==0.4.6 configobj==5.0.9 croniter==7.0.0 cssselect==1.6.0
cvxpy==1.9.3 dataclasses_json==0.6.7 datasets==5.2.0 dateparser==1.5.0 diffusers==0.42.1
dill==0.4.1 dipy==1.12.1 diskcache==5.6.3 django_extensions==4.1 django_filter==26.2
dulwich==1.2.21 ecdsa==0.19.2 einops==0.8.2 emcee==3.1.6 factory_boy==3.3.3 fastavro==1.13.1
filelock==4.2.11 fire==0.7.1 flask_sqlalchemy==3.1.1 folium==0.20.0 freezegun==1.5.5 furl==2.1.4
gitpython==3.2.1 google_cloud_storage==3.17.1 graphene==3.4.3 h11==0.16.0 holoviews==1.23.2
httpcore==1.0.9 httplib2==0.32.1 huggingface_hub==2.4.0 jellyfish==1.3.0 jmespath==1.1.0
joblib==1.6.0 jsonpatch==1.47 jsonpickle==4.1.4 langchain_core==1.8.2 locust==2.47.0 loguru==0.7.3
markdown_it_py==4.3.0 mistune==3.4.0 mne==1.13.2 multidict==7.2.1 nibabel==5.4.2 nilearn==0.14.1
nipype==1.11.0 nox==2026.10.20 numexpr==2.14.2 pandas_datareader==0.11.1 panel==1.9.4 param==2.4.2
parsel==1.12.1 patsy==1.0.3 pdfplumber==0.11.10 pdm==2.29.4 peft==0.21.2 pip_tools==7.6.2
platformdirs==4.14.7 plumbum==2.0.2 pre_commit==4.7.0 prometheus_client==0.26.0 pulp==3.3.2
pulumi==3.272.0 pyasn1==0.6.5 pyfakefs==6.3.2 pyfiglet==1.0.4 pyglet==2.1.19 pymatgen==2026.10.24
pymc==5.28.5 pymysql==1.2.4 pyomo==6.10.1 pyopenssl==26.4.0 pyproj==3.7.2 pytest_asyncio==1.5.0
pytest_mock==3.17.0 pytest_xdist==3.8.0 python_dotenv==1.2.4 python_slugify==9.2.0
pywavelets==1.9.0 qrcode==8.2 quart==0.22.0 questionary==2.1.1 rapidfuzz==3.14.6 rasterio==1.4.4
requests_oauthlib==2.0.0 responses==0.26.3 rsa==4.9.1 sacremoses==0.2.0 schemathesis==4.32.5
scikit_optimize==0.10.2 sentry_sdk==2.75.0 sh==2.4.0 sqlglot==30.30.0 sqlmodel==0.0.50
structlog==26.1.0 sunpy==7.0.5 supervisor==4.3.0 tenacity==9.2.1 testfixtures==12.4.0 tinydb==4.9.0
tldextract==5.4.0 tomli==2.5.0 tqdm==4.70.1 tzlocal==5.4.5 uncertainties==3.2.3 validators==0.36.0
vcrpy==9.4.2 w3lib==2.5.0 waitress==3.0.2 watchdog==7.1.0 webob==1.8.11 whitenoise==6.12.0
wtforms==3.3.2 xlrd==2.0.2 yarl==1.25.1 yfinance==1.7.0 zarr==3.1.6
"""
# v3 additions (session 9): general utilities, web frameworks' extensions, clients of
# services and databases, CLI and developer tooling, formats and protocols (latest wheels at
# gathering time, pinned here). httpretty, pyautogui, pysftp, assertpy, curio, ezodf,
# langdetect, odfpy, pywebio and ta had no wheel.
_V3 = """
addict==2.4.0 agate==1.14.2 aio_pika==10.2.1 aiocache==0.12.3 aiofiles==25.1.0
aiohttp_retry==2.9.1 aiolimiter==1.3.0 aiosqlite==0.22.1 albumentations==2.0.8
alive_progress==3.3.0 allure_pytest==2.16.2 alpaca_trade_api==3.2.0 anndata==0.12.19
ansible_runner==2.4.3 anthropic==2.12.0 antlr4_python3_runtime==4.13.2 anyascii==0.3.3
apache_airflow==3.3.2 apispec==6.10.1 appdirs==1.4.4 argon2_cffi==25.1.0 ariadne==1.1.1 art==6.5
asciimatics==1.15.0 astroquery==0.4.11 asttokens==3.0.2 async_timeout==5.0.1 asyncstdlib==3.14.0
audioread==3.1.0 autopep8==2.3.2 azure_core==1.41.0 backoff==2.2.1 bandit==1.9.4
binaryornot==0.6.0 bitmath==2.1.1 bitstring==5.0.0 blessings==1.7 blinker==1.9.0 botocore==1.44.5
camelot_py==2.0.0 cassandra_driver==3.30.1 category_encoders==2.11.2 cbor2==6.3.0 cement==3.0.16
cerberus==1.3.8 cfn_lint==1.58.0 chalice==1.34.0 checkov==3.3.30 cirq_core==1.7.0 cleo==2.1.0
click_default_group==1.2.4 clickhouse_driver==0.2.11 clize==5.0.2 colander==2.0
coloredlogs==15.0.1 colorlog==6.12.0 colour_science==0.4.7 connexion==3.3.0 construct==2.10.70
cookiecutter==2.7.1 csvkit==2.2.0 customtkinter==6.0.0 dagster==1.13.29 daphne==4.2.3 dash==4.4.1
databases==0.9.0 datadog==0.56.0 dataset==2.0.0 datashader==0.19.1 dbt_core==1.12.6
dearpygui==2.3.1 decorator==5.3.1 deepdiff==9.1.0 deform==3.0.1 defusedxml==0.7.1
deprecated==1.3.1 dictdiffer==0.10.0 discord_py==2.7.1 distributed==2026.8.0
django_allauth==65.21.1 django_celery_beat==2.9.0 django_cors_headers==4.9.0
django_crispy_forms==2.7 django_debug_toolbar==8.0.0 django_environ==0.14.0 django_guardian==3.5.2
django_import_export==4.4.3 django_model_utils==5.0.0 django_mptt==0.20.0 django_ninja==1.7.1
django_oauth_toolkit==3.4.1 django_polymorphic==4.11.7 django_redis==7.0.0 django_storages==1.14.6
django_taggit==6.1.0 djoser==2.3.5 dnslib==0.9.26 dnspython==2.9.2 docopt_ng==0.9.0 docx2txt==0.9
dotmap==1.3.30 dpkt==1.9.8 drf_spectacular==0.30.0 drf_yasg==1.21.18 dynaconf==3.3.5
elasticsearch==9.5.1 elasticsearch_dsl==8.18.0 email_validator==2.4.0 emmett==2.8.2 emoji==2.16.0
environs==15.2.0 evaluate==0.4.6 eve==2.3.1 exchangelib==5.6.0 executing==2.3.0 exifread==3.5.1
fastjsonschema==2.22.3 featuretools==1.31.0 fido2==2.2.1 filetype==1.2.0 fiona==1.10.1
firebase_admin==7.7.0 flair==0.15.1 flake8==7.5.0 flask_admin==2.2.1 flask_appbuilder==5.3.0
flask_caching==2.5.1 flask_cors==6.0.5 flask_mail==0.10.0 flask_marshmallow==1.5.0
Flask_Migrate==4.1.0 Flask_RESTful==0.3.10 flask_restx==1.3.2 flask_socketio==5.7.0
flask_wtf==1.3.0 flet==1.0.5 flit_core==4.2.0 flower==2.2.0 ftfy==6.3.1 funcy==2.1 galpy==1.12.1
geocoder==1.38.1 geojson==3.3.0 geopy==2.5.0 glom==25.12.0 google_auth==2.62.2
google_auth_oauthlib==1.5.0 google_cloud_bigquery==3.47.0 gpxpy==1.6.2 graphene_django==3.2.3
graphviz==0.21 great_expectations==1.24.1 gTTS==2.5.4 h3==4.5.0 halo==0.0.30 happybase==1.3.0
hashids==1.3.1 haversine==2.9.0 hjson==3.1.0 huey==3.5.4 hug==2.6.1 humanfriendly==10.0
hvplot==0.12.2 hydra_core==1.3.8 hypercorn==0.18.0 icecream==2.2.0 ImageHash==4.3.2
imapclient==4.1.0 impacket==0.13.1 importlib_metadata==10.2.0 inflection==0.5.1
influxdb_client==1.50.0 inquirer==3.4.1 instaloader==4.16 intervaltree==3.2.1 ipykernel==7.4.0
ipyleaflet==0.20.0 ipywidgets==8.1.9 irc==20.5.0 iso8601==2.1.0 isodate==0.7.2 isort==9.0.2
jinja2_time==0.2.0 json5==0.17.3 jsondiff==2.2.1 jsonlines==4.0.0 jsonpath_ng==1.16.0
jsonpointer==3.12 jupyter_core==5.9.1 kafka_python==3.0.12 kazoo==2.11.0 kedro==1.7.0
keyboard==0.13.5 keyring==25.7.0 kornia==0.9.0 langchain==1.5.0 libcst==1.9.0 lifelines==0.30.3
lightkurve==2.6.0 lightning==2.6.6 litestar==2.25.0 llama_index_core==0.14.25 mako==1.4.3
mammoth==1.13.0 mangum==0.22.0 markdown2==2.5.5 markdownify==1.2.3 marshmallow_sqlalchemy==1.6.0
masonite==4.20.4 matrix_nio==0.26.0 mattermostdriver==7.3.2 mechanize==0.4.10 mercantile==1.2.1
metaflow==2.19.39 mido==1.3.3 mimesis==22.2.0 mlxtend==0.25.0 model_bakery==1.24.2 modin==0.37.1
mongoengine==0.29.3 moto==5.2.5 motor==3.7.1 mplfinance==0.12.10b0 msal==1.39.0 msgpack==1.2.4
munch==4.0.0 nameko==2.14.1 nanoid==2.0.0 napalm==5.2.0 nats_py==2.16.0 natsort==8.4.0
nbconvert==7.17.2 ncclient==0.7.1 neo4j==6.4.1 netaddr==1.3.0 netcdf4==1.7.5.1.post1
netmiko==4.8.0 newspaper3k==0.2.8 nicegui==3.18.0 nose2==0.16.0 oauth2client==4.1.3
omegaconf==2.4.0 onnx==1.23.2 openai==3.54.0 opentelemetry_api==1.45.2 opentelemetry_sdk==1.45.2
ordered_set==4.1.0 osmnx==2.1.1 papermill==2.7.0 parsedatetime==2.6 parsimonious==0.11.0
path==17.1.1 pathvalidate==3.3.1 pdf2image==1.17.0 pdfkit==1.0.0 pecan==1.8.0 pennylane==0.45.1
pettingzoo==1.27.0 photutils==3.0.0 pick==2.6.0 piexif==1.1.3 pika==1.4.4 pipenv==2026.10.3
plac==1.4.7 plotnine==0.15.9 ply==3.11 pmdarima==2.1.1 polyfactory==3.5.0 pony==0.7.20
portalocker==4.4.2 praw==8.0.3 prefect==3.9.1 premailer==3.10.0 pretty_midi==0.2.11.post0
prettytable==3.18.0 progressbar2==4.6.0 pusher==3.3.4 py2neo==2021.2.4 pycaret==3.3.2
pycodestyle==2.15.0 pycryptodome==4.4.0 pydash==8.1.0 pydeck==0.9.3 pydicom==3.0.2 pyee==13.0.1
pyexcel_io==0.6.8 pyfcm==2.1.1 pyflakes==4.1.0 pyhamcrest==2.1.0 pyhocon==0.3.61 pyhumps==3.8.0
pyjanitor==0.32.60 pymemcache==4.0.0 pymodbus==3.16.1 pynacl==1.6.2 pyotp==2.12.0 pypandoc==1.17
pyperclip==1.11.0 pyquery==2.1.0 pyreadstat==1.3.7 pyrsistent==0.20.0 pyscf==2.14.0 pysnmp==7.1.30
pysolr==3.8.1 pytesseract==0.3.13 pytest_bdd==9.0.1 pytest_benchmark==5.3.1 pytest_cov==7.1.0
pytest_django==4.14.0 pytest_randomly==5.1.0 pytest_timeout==2.4.0 python_barcode==0.16.1
python_box==8.0.0 python_decouple==3.8 python_engineio==4.15.1 python_frontmatter==1.3.0
python_jose==3.5.0 python_keycloak==7.1.1 python_magic==0.4.27 python_multipart==0.0.34
python_socketio==5.18.1 pytimeparse==1.1.10 pytube==15.0.0 pyusb==1.3.1 pyvips==2.1.0
pyvista==0.49.1 pywebview==6.2.1 pywinrm==0.5.0 qiskit==2.6.2 quantities==0.16.4 qutip==5.3.1
radon==6.0.1 rake_nltk==1.0.6 rarfile==4.5 readability_lxml==0.9 records==0.6.0 redis_om==1.2.0
reflex==0.10.1 reproject==0.21.0 requests_cache==1.3.3 requests_html==0.10.0 requests_mock==1.12.1
requests_toolbelt==1.0.0 responder==9.2.0 retrying==1.4.2 rich_click==1.9.9 robotframework==7.5
rq==3.0.0 rtree==1.4.1 s3fs==2026.9.0 s3transfer==0.19.3 sas7bdat==2.3.0 scanpy==1.11.5
schema==0.7.8 semver==3.1.1 send2trash==2.2.0 sendgrid==6.12.5 sentence_transformers==6.2.0
serverless_wsgi==3.1.0 shiny==1.8.0 shortuuid==1.0.13 simple_term_menu==1.6.6 skorch==1.4.0
slack_bolt==1.30.0 slack_sdk==3.47.0 sly==0.5 snapshottest==0.6.0 solara==1.64.1
sortedcollections==2.1.0 soundfile==0.14.0 specutils==2.4.0 speechrecognition==3.17.0
splinter==0.21.0 sqlalchemy_utils==0.43.0 sqlite_utils==4.2.1 sqlmesh==0.236.4
stable_baselines3==2.9.2 stanza==1.15.0 statsd==4.0.1 stevedore==5.10.0 stomp_py==9.0.0
strawberry_graphql==0.341.2 streamlit==1.67.0 stripe==16.1.0 sumy==0.13.0 syrupy==7.0.2
tables==3.11.1 tabula_py==2.10.0 telethon==1.45.0 termcolor==3.3.0 textacy==0.13.0
texttable==1.7.2 textx==4.4.0 thefuzz==0.22.1 tianshou==2.0.1 time_machine==3.6.0 timm==1.0.31
tinycss2==1.5.1 tinytag==2.3.2 toga_core==0.5.7 toml==0.10.2 tomli_w==1.2.0 torchmetrics==1.9.0
tortoise_orm==1.1.9 translationstring==1.4 trl==1.16.0 troposphere==4.11.1 tslearn==0.10.0
tweepy==4.17.0 twilio==9.13.0 twine==7.0.0 twitchio==3.3.2 ulid_py==1.1.0 utm==0.9.0
venusian==3.1.1 vispy==0.17.0 voila==0.5.13 voluptuous==0.16.0 vulture==2.16 wand==0.7.2
weasyprint==70.0 web_py==0.76 webargs==8.7.1 websocket_client==1.9.2 webtest==3.0.7 Whoosh==2.7.4
wordcloud==1.9.6 wrapt==2.5.2 xgboost==3.2.0 xhtml2pdf==0.2.28 xlwt==1.3.0 xmlschema==4.3.2
yagmail==0.16.0 yapf==0.43.0 yaspin==3.5.1 yellowbrick==1.5 yt_dlp==2026.10.26 zappa==0.63.0
"""
PACKAGES = (_V1 + _V2 + _V3).split()

# Licences not BSD/MIT/Apache: matplotlib (PSF-based Matplotlib licence), pillow (MIT-CMU/HPND),
# biopython (Biopython licence, BSD-like), docutils (public domain + BSD-2), zope_interface
# (ZPL-2.1), hypothesis (MPL-2.0, file-level copyleft: the pairs are used for training only and
# not redistributed), pytz (MIT), mpmath (BSD). v2 additions: waitress (ZPL-2.1), requests_oauthlib
# (ISC), furl and filelock (Unlicense), supervisor (BSD-like repoze licence), dulwich (Apache-2.0
# or GPL-2.0+, used under Apache-2.0), tqdm (MPL-2.0 and MIT: training only, like hypothesis);
# all others MIT, BSD or Apache-2.0. docopt and jieba were dropped (no wheel on PyPI). v3 additions:
# email_validator (Unlicense), dnspython (ISC), cerberus (ISC), rarfile (ISC), defusedxml (PSF),
# pycryptodome (BSD + public domain), colander / deform / translationstring / venusian (BSD-like
# repoze licence), records / anyascii (ISC), pyhumps / pytube / yt_dlp (Unlicense), web_py
# (public domain), hjson (MIT or AFL), cfn_lint (MIT-0); all others MIT, BSD or Apache-2.0.
# GPL, LGPL and MPL candidates (argh, frozendict, bidict, cornice, pingouin) were left out.

MAX_CODE_CHARS = 4000
MAX_PER_QUERY = 2
MAX_PARAGRAPH_WORDS = 80
_NAME_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|_tests?|test_\w+\.py|\w+_test\.py|conftest\.py)")
_ROLE = re.compile(r":[\w:.-]+:`~?!?([^`<]*?)(?:\s*<[^>]*>)?`")
_SENT_END = re.compile(r"(?<=[a-z0-9)\]`'\"])[.!?](?=\s+[A-Z(`]|\s*$)")


def _norm_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def download(spec: str, dest: Path) -> Path | None:
    """The wheel of `name==version` in dest, fetched with pip when absent."""
    name, version = spec.split("==")
    want = _norm_name(name)
    for f in dest.glob("*.whl"):
        parts = f.name.split("-")
        if _norm_name(parts[0]) == want and parts[1] == version:
            return f
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
        "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
        "--platform", "manylinux2014_x86_64", "--platform", "any", "-d", str(dest), spec,
    ]  # fmt: skip
    if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
        print(f"download failed: {spec}", file=sys.stderr)
        return None
    return download(spec, dest)


def _first_paragraph(doc: str) -> str | None:
    para = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0]
    para = " ".join(para.split())
    if not para or para.startswith((">>>", "..", ":", "@", "#", "%", "{", "TODO", "XXX")):
        return None
    para = _ROLE.sub(r"\1", para)
    return para.replace("``", "").replace("`", "").replace("**", "").replace("*", "")


def paragraph(doc: str) -> str | None:
    """The whole first paragraph of a docstring as plain text (3 to 80 words)."""
    para = _first_paragraph(doc)
    if para is None or not 3 <= len(para.split()) <= MAX_PARAGRAPH_WORDS:
        return None
    return para.strip()


def name_words(name: str) -> str | None:
    """A function name as words (`get_last_line` -> "get last line"), at least two of them."""
    parts = [p.lower() for p in _NAME_PART.findall(name)]
    return " ".join(parts) if len(parts) >= 2 else None


def summary(doc: str) -> str | None:
    """The first one or two sentences of a docstring's first paragraph, as plain text."""
    para = _first_paragraph(doc)
    if para is None:
        return None
    ends = [m.end() for m in _SENT_END.finditer(para)]
    if ends:
        cut = ends[0]
        if len(para[:cut].split()) < 6 and len(ends) > 1:
            cut = ends[1]
        para = para[:cut]
    para = para.strip()
    n = len(para.split())
    if n < 3 or n > 60:
        return None
    low = para.lower()
    if low.startswith(("deprecated", "alias for", "see ", "same as", "internal", "test ")):
        return None
    return para


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _body_is_trivial(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = fn.body[1:]
    if not body:
        return True
    if len(body) == 1:
        s = body[0]
        if isinstance(s, ast.Pass) or (
            isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
        ):
            return True
        if isinstance(s, ast.Raise) and "NotImplemented" in ast.unparse(s):
            return True
    return False


Found = tuple[str, str, str, str | None, str | None, str | None]

MAX_REST_CHARS = 1500


def docstring_rest(doc: str) -> str | None:
    """The docstring after its first paragraph (details, parameters, returns), at most
    MAX_REST_CHARS: training documents can carry it the way real snippets carry their
    docstrings, without the summary the queries are made from."""
    parts = re.split(r"\n\s*\n", textwrap.dedent(doc).strip(), maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return None
    return parts[1].strip()[:MAX_REST_CHARS]


def pairs_from_source(source: str) -> list[Found]:
    """(function name, query, code without docstring, whole first paragraph if longer than the
    query, name as words, the docstring after its first paragraph) for each documented
    function."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return []
    lines = source.splitlines()
    out: list[Found] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if node.name.startswith("test") or not node.body:
            continue
        first = node.body[0]
        if not _is_docstring(first):
            continue
        if _body_is_trivial(node):
            continue
        query = summary(first.value.value)
        if query is None:
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        end = node.end_lineno or node.lineno
        doc_lo, doc_hi = first.lineno - 1, (first.end_lineno or first.lineno)
        kept = lines[start:doc_lo] + lines[doc_hi:end]
        code = textwrap.dedent("\n".join(kept)).strip("\n")
        if len(code) > MAX_CODE_CHARS or code.count("\n") < 2:
            continue
        para = paragraph(first.value.value)
        if para is not None and len(para) <= len(query) + 10:
            para = None
        rest = docstring_rest(first.value.value)
        out.append((node.name, query, code, para, name_words(node.name), rest))
    return out


def pairs_from_wheel(path: str) -> tuple[str, list[Found]]:
    package = _norm_name(Path(path).name.split("-")[0])
    found: list[Found] = []
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            if not member.endswith(".py") or _TEST_PATH.search(member):
                continue
            if "/_vendor/" in member or "/vendor/" in member or "/externals/" in member:
                continue
            try:
                source = zf.read(member).decode("utf-8")
            except (UnicodeDecodeError, KeyError):
                continue
            if len(source) > 1_000_000:
                continue
            found.extend(pairs_from_source(source))
    return package, found


def _code_key(code: str) -> str:
    return hashlib.sha1(" ".join(code.split()).encode("utf-8")).hexdigest()


def function_key(code: str) -> str | None:
    """The function's code without its docstring, as `ast` prints it: the same for a training
    pair (docstring lines cut out) and an evaluation row (docstring kept); None if it does not
    parse."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except (SyntaxError, ValueError, RecursionError):
        return None
    fn = next(
        (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None
    )
    if fn is None:
        return None
    if fn.body and _is_docstring(fn.body[0]):
        fn.body = fn.body[1:] or [ast.Pass()]
    return hashlib.sha1(ast.unparse(fn).encode("utf-8")).hexdigest()


def evaluated_functions(evals: Path) -> set[str]:
    """Keys of the functions in the shared code-search corpus (`codesearch_corpus.jsonl`)."""
    path = evals / "codesearch_corpus.jsonl"
    if not path.exists():
        return set()
    keys = (function_key(json.loads(line)["code"]) for line in path.open(encoding="utf-8"))
    return {k for k in keys if k}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=CACHE / "pairs.jsonl")
    ap.add_argument("--report", type=Path, default=CACHE / "gather_report.json")
    ap.add_argument(
        "--evals", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "evals",
        help="the shared evaluation sets: their functions are left out of training",
    )  # fmt: skip
    args = ap.parse_args()
    evaluated = evaluated_functions(args.evals)
    print(f"{len(evaluated)} evaluated functions to leave out", flush=True)

    dest = CACHE / "pkgs"
    dest.mkdir(parents=True, exist_ok=True)
    wheels = [w for w in (download(spec, dest) for spec in PACKAGES) if w is not None]
    print(f"{len(wheels)} of {len(PACKAGES)} wheels", flush=True)

    seen_code: set[str] = set()
    per_query: Counter[str] = Counter()
    per_package: Counter[str] = Counter()
    raw = n_para = n_evaluated = 0
    rows: list[dict] = []
    with ProcessPoolExecutor(args.jobs) as pool:
        # sorted input + ordered map: the output does not depend on scheduling
        for package, found in pool.map(pairs_from_wheel, sorted(map(str, wheels))):
            raw += len(found)
            for name, query, code, para, nwords, rest in found:
                key = _code_key(code)
                qkey = query.lower()
                if key in seen_code or per_query[qkey] >= MAX_PER_QUERY:
                    continue
                if evaluated and function_key(code) in evaluated:
                    n_evaluated += 1
                    continue
                seen_code.add(key)
                per_query[qkey] += 1
                per_package[package] += 1
                row = {"package": package, "name": name, "query": query, "code": code}
                if para:
                    row["paragraph"] = para
                if nwords:
                    row["name_words"] = nwords
                if rest:
                    row["doc_rest"] = rest
                rows.append(row)
                n_para += bool(para)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    report = {
        "raw_pairs": raw,
        "pairs": len(rows),
        "paragraph_queries": n_para,
        "name_queries": sum(1 for r in rows if "name_words" in r),
        "doc_rests": sum(1 for r in rows if "doc_rest" in r),
        "packages": len(per_package),
        "left_out_as_evaluated": n_evaluated,
        "per_package": dict(per_package.most_common()),
    }
    args.report.write_text(json.dumps(report, indent=2))
    print(f"{raw} functions with docstrings -> {len(rows)} pairs in {args.out}")


if __name__ == "__main__":
    main()
