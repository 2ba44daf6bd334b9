// `usage-agent serve`: the HTTP endpoint over a store - this state dir's, or
// the one --store / serve.store names (a team's PostgreSQL database, which
// several serve processes may share). Without --ingest it is a token-less,
// loopback-only read API for the local data; with --ingest it is a team
// endpoint (tokens, uploads, per-role reads).
#include <pthread.h>

#include <boost/asio/io_context.hpp>
#include <csignal>
#include <iostream>
#include <optional>

#include "../alerts/serve_budgets.hpp"
#include "../cli_checks.hpp"
#include "../commands.hpp"
#include "folder_import_loop.hpp"
#include "http_server.hpp"
#include "listen_address.hpp"
#include "open_browser.hpp"
#include "router.hpp"
#include "tls_context.hpp"
#include "usage/scan/scan_engine.hpp"
#include "usage/store/token_store.hpp"

namespace agent {

void ServeCommand::setup(CLI::App& app) {
    cmd = app.add_subcommand("serve", "Serve the store over HTTP: read API, and with --ingest a team endpoint");
    cmd->add_option("--listen", listen, "ADDR:PORT to listen on (port 0: any free port)")->capture_default_str();
    cmd->add_flag("--ingest", ingest, "Team endpoint: accept POST /v1/ingest; reads need a token (`serve token`)");
    constexpr const char* store_help =
        "Where the data is: sqlite:///DIR or postgresql://user@host:port/db (default: serve.store, else the "
        "state dir's store)";
    cmd->add_option("--store", store_text, store_help);
    cmd->add_flag("--open", open, "Open the dashboard in a browser once listening ($BROWSER, else xdg-open)");
    cmd->add_option("--import-dir", import_dir,
                    "Import this shared sync folder (machines push to it with sync.endpoint: file:///PATH) at start, "
                    "when its files change and every sync.interval")
        ->check(existing_folder());
    auto* cert = cmd->add_option("--tls-cert", tls_cert, "Serve HTTPS with this PEM certificate chain (server first)")
                     ->check(existing_file());
    auto* key = cmd->add_option("--tls-key", tls_key, "The PEM private key of --tls-cert")->check(existing_file());
    cert->needs(key);
    key->needs(cert);
    cmd->add_flag("--allow-plain-http", allow_plain_http,
                  "With --ingest on a network address: serve plain HTTP anyway (a TLS proxy in front terminates "
                  "TLS)");
    cmd->require_subcommand(0, 1);

    token = cmd->add_subcommand("token", "Manage the bearer tokens of a team endpoint");
    token->require_subcommand(1);
    token_add = token->add_subcommand("add", "Create a token and print it (once: only its hash is kept)");
    token_add->add_option("--user", token_user, "The user every event sent with this token belongs to")->required();
    token_add->add_option("--role", token_role, "member: reads own usage; manager, admin: read everyone's")
        ->required()
        ->check(one_of("role", {"member", "manager", "admin"}));
    token_add->footer("Examples:\n  usage-agent serve token add --user alice --role member");
    token_add->add_option("--store", store_text, store_help);
    token_list = token->add_subcommand("list", "List tokens (id, prefix, user, role, created, revoked)");
    token_list->add_flag("--json", token_json, "Machine-readable JSON");
    token_list->add_option("--store", store_text, store_help);
    token_list->footer("Examples:\n  usage-agent serve token list\n  usage-agent serve token list --json");
    token_revoke = token->add_subcommand("revoke", "Revoke a token: it is refused with 403 from now on");
    token_revoke->add_option("id", token_id, "Token id (see `serve token list`)")->required();
    token_revoke->add_option("--store", store_text, store_help);
    token_revoke->footer("Examples:\n  usage-agent serve token revoke 3");
    // After the subcommands: they would inherit them.
    token->footer(
        "Tokens live in the store serve uses (--store, serve.store, else --state-dir's); only their SHA-256\n"
        "is kept.\n"
        "Examples:\n"
        "  usage-agent serve token add --user alice --role member\n"
        "  usage-agent serve token list\n"
        "  usage-agent serve token revoke 3");
    cmd->footer(
        "Prints \"listening on http(s)://ADDR:PORT\" once bound; SIGTERM/SIGINT stop it after the requests in\n"
        "flight. Without --ingest only loopback addresses are allowed (the data is served without tokens).\n"
        "With --ingest on a network address, tokens and usage cross the network: TLS (--tls-cert and\n"
        "--tls-key, TLS 1.2 and later) is required unless --allow-plain-http says a proxy provides it.\n"
        "Routes and JSON: docs/sync-protocol.md.\n"
        "Examples:\n"
        "  usage-agent serve                                     this machine's usage on 127.0.0.1:8787\n"
        "  usage-agent serve --open                              ... and its dashboard in the browser\n"
        "  usage-agent serve --ingest --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem   over HTTPS\n"
        "  usage-agent serve --ingest --listen 10.0.0.5:8787 --allow-plain-http   behind a TLS proxy\n"
        "  usage-agent serve --ingest --store postgresql://usage@db/usage   a replica on the team's database\n"
        "  usage-agent serve --import-dir ~/Dropbox/team-usage   a team's usage from a shared folder\n"
        "  usage-agent serve token add --user alice --role member");
}

usage::StoreLocation ServeCommand::store_location(const AppContext& ctx) const {
    if (!store_text.empty()) {
        try {
            return usage::StoreLocation::parse(store_text);
        } catch (const std::invalid_argument& e) {
            throw CLI::ValidationError("--store", e.what());
        }
    }
    // serve.store was checked when the config loaded.
    const std::string& configured = ctx.config().serve.store;
    return usage::StoreLocation::parse(configured.empty() ? ctx.state_dir().string() : configured);
}

int ServeCommand::run(AppContext& ctx) const {
    if (token->parsed()) return run_token(ctx);
    namespace net = boost::asio;
    net::ip::tcp::endpoint endpoint;
    try {
        endpoint = serve::parse_listen_address(listen);
    } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(e.what());
    }
    if (!ingest && !endpoint.address().is_loopback())
        throw CLI::ValidationError("--listen " + listen +
                                   ": without --ingest the read API needs no token, so it only binds loopback "
                                   "addresses (127.0.0.1, ::1); use --ingest and tokens to serve a team");

    const bool tls = !tls_cert.empty();
    if (ingest && !endpoint.address().is_loopback() && !tls && !allow_plain_http)
        throw CLI::ValidationError("--listen " + listen +
                                   ": a team endpoint on a network address would take tokens and usage in clear "
                                   "text; give --tls-cert and --tls-key, or --allow-plain-http when a TLS proxy in "
                                   "front of it terminates TLS");
    std::optional<net::ssl::context> tls_context;
    if (tls) tls_context.emplace(serve::make_tls_context(tls_cert, tls_key));

    const usage::StoreLocation location = store_location(ctx);
    const auto writer_store = ctx.open_store(location);
    if (ingest && usage::list_tokens(*writer_store).empty())
        std::cerr << "usage-agent serve: no tokens yet; create one with "
                     "`usage-agent serve token add --user NAME --role member`\n";
    // The network thread, the writer thread and each read thread have their
    // own connection to the store.
    const auto auth_store = ctx.open_store(location);
    net::io_context io{1};
    // Team budgets (docs/budgets.md), evaluated on their own connection after
    // ingests. Declared before the workers, so it outlives their last poke.
    std::unique_ptr<alerts::ServeBudgets> budgets;
    if (ingest && !ctx.config().budgets.empty())
        budgets = std::make_unique<alerts::ServeBudgets>([&ctx, location] { return ctx.open_store(location); },
                                                         ctx.config().budgets);
    serve::RequestWorkers workers(
        *writer_store, [&ctx, location] { return ctx.open_store(location); },
        serve::RequestWorkers::default_threads(*writer_store));
    // Local mode's refresh button scans this machine's transcripts first.
    serve::Router::Scan scan;
    if (!ingest)
        scan = [&ctx](usage::Store& store) {
            nlohmann::json sources = nlohmann::json::array();
            for (const auto& s : usage::scan_sources(store, ctx.config(), ctx.env(), {}))
                sources.push_back({{"source", s.source},
                                   {"files_read", s.files_read},
                                   {"events_new", s.events_new},
                                   {"events_updated", s.events_updated},
                                   {"events_superseded", s.events_superseded},
                                   {"errors", s.errors},
                                   {"warnings", s.warnings}});
            return nlohmann::json{{"sources", std::move(sources)}};
        };
    serve::Router router(*auth_store, workers, ingest, std::move(scan));
    router.set_tls(tls);
    if (budgets) router.on_ingest([b = budgets.get()] { b->poke(); });
    serve::HttpServer server(io, endpoint, router, tls_context ? &*tls_context : nullptr);
    server.start();
    std::cerr << "usage-agent serve: store " << writer_store->display() << "\n";
    const std::string scheme = tls ? "https://" : "http://";
    std::optional<serve::FolderImportLoop> folder_import;
    if (!import_dir.empty()) {
        folder_import.emplace(
            io, [&ctx, location] { return ctx.open_store(location); }, import_dir,
            std::chrono::seconds(ctx.config().sync.interval_seconds));
        folder_import->start();
    }
    std::cout << "listening on " << scheme << serve::format_endpoint(server.local_endpoint()) << std::endl;
    if (open) {
        // A wildcard address is reached on loopback from this machine.
        auto local = server.local_endpoint();
        if (local.address().is_unspecified())
            local.address(local.address().is_v6() ? net::ip::address(net::ip::address_v6::loopback())
                                                  : net::ip::address(net::ip::address_v4::loopback()));
        const std::string url = scheme + serve::format_endpoint(local) + "/";
        if (!serve::open_browser(url))
            std::cerr << "usage-agent serve: no browser to open (set BROWSER or install xdg-utils): open " << url
                      << "\n";
    }
    io.run();
    // Stopped cleanly: a signal arriving while the process exits (after the
    // server's handlers are gone) must not turn exit 0 into a kill.
    sigset_t late;
    sigemptyset(&late);
    sigaddset(&late, SIGTERM);
    sigaddset(&late, SIGINT);
    pthread_sigmask(SIG_BLOCK, &late, nullptr);
    return 0;
}

}  // namespace agent
