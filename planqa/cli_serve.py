"""`planqa serve`: the Chinese web page (Gradio), bound to localhost unless told otherwise."""

from __future__ import annotations

import argparse
import logging

from planqa.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("serve", help="启动网页（问答、知识库、批量问答、评估）")
    p.add_argument("--host", help="监听地址，默认 127.0.0.1（仅本机可访问）；env PLANQA_HOST")
    p.add_argument("--port", type=int, help="端口，默认 7860；env PLANQA_PORT")
    p.add_argument("--auth", help="登录账号，格式 用户名:密码；env PLANQA_AUTH")
    p.add_argument("--concurrency", type=int, default=8, help="同时处理的提问数（默认 8）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from planqa.ui.app import launch, parse_auth

    settings = settings.with_(host=args.host, port=args.port, auth=args.auth)
    try:
        parse_auth(settings.auth)
    except ValueError as exc:
        print(exc)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio's own health checks are noise
    print(f"PlanQA 规划问答：数据目录 {settings.home}；http://{settings.host}:{settings.port}", flush=True)
    if settings.host not in {"127.0.0.1", "localhost", "::1"} and not settings.auth:
        print("注意：页面对其他计算机开放且未设置登录账号（--auth 用户名:密码）", flush=True)
    launch(settings, block=True, concurrency=args.concurrency)
    return 0
