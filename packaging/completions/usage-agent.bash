# bash completion for usage-agent.
# Static on purpose: completing must not open the store or read the config,
# and a list kept next to docs/cli.md is reviewed with every new option
# (tests/package_deb.sh checks that every command in --help appears here).

_usage_agent() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    local commands="sync report session status store prices import config serve service run statusline budget"
    local global_opts="--state-dir --config --help --version"
    # usage-agent without a command: the glance.
    local glance_opts="--year --all --model --full --json --tz --no-scan"
    local sources="claude-code codex-cli gemini-cli opencode cursor copilot-cli cline roo-code kilo-code qwen-code goose kilo-cli amp droid"
    local views="summary daily weekly monthly hourly sessions models sources projects machines users repositories limits"

    # The command path so far (e.g. "serve token add"), skipping options and
    # the values of the options that take one.
    local path="" i w operands=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --state-dir|--config|--source|--range|--since|--until|--model|--project|--machine|--user|--repository|--tz|--limit|--from|--timeout|--listen|--role|--log-level|--poll|--format|-o|--output|--tls-cert|--tls-key|--store|--id|--import-dir|--at)
                ((i++)); continue ;;
            -*) continue ;;
        esac
        case "$path:$w" in
            :sync|:report|:session|:status|:store|store:backup|store:export|store:import|store:check|:prices|:import|:config|:serve|:service|:run|service:install|service:uninstall|service:status|:statusline|statusline:install|:budget|budget:status|prices:update|config:init|config:show|config:check|config:keys|serve:token|"serve token":add|"serve token":list|"serve token":revoke)
                path="${path:+$path }$w" ;;
            *) ((operands++)) ;;
        esac
    done

    # Values of options.
    case $prev in
        --state-dir|--import-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --config|--from|-o|--output|--tls-cert|--tls-key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --format) COMPREPLY=($(compgen -W "jsonl" -- "$cur")); return ;;
        --source) COMPREPLY=($(compgen -W "$sources" -- "$cur")); return ;;
        --range) COMPREPLY=($(compgen -W "today 24h 7d 30d month year all" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "member manager admin" -- "$cur")); return ;;
        --log-level) COMPREPLY=($(compgen -W "error warn info debug" -- "$cur")); return ;;
        --tz)
            if [[ -d /usr/share/zoneinfo ]]; then
                COMPREPLY=($(cd /usr/share/zoneinfo && compgen -f -- "$cur"))
            fi
            return ;;
        --since|--until|--model|--project|--machine|--user|--repository|--limit|--timeout|--listen|--poll|--id|--at) return ;;
    esac

    local words=""
    case $path in
        "") words="$commands $global_opts $glance_opts" ;;
        sync) words="--once --no-push --source --full-rescan --json --help" ;;
        report)
            # One view at most.
            ((operands == 0)) || views=""
            words="$views --json --csv --range --since --until --source --model --project --machine --user --repository --tz --limit --full --failures --no-scan --help" ;;
        session) words="--id --full --json --tz --no-scan --help" ;;
        status) words="--json --help" ;;
        store) words="backup export import check --help" ;;
        "store export") words="--format --output --help" ;;
        "store backup"|"store import"|"store check")
            # A file name, or the command's options once one is there.
            if ((operands == 0)) && [[ $cur != -* ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
                return
            fi
            case $path in
                "store backup") words="--force --json --help" ;;
                *) words="--json --help" ;;
            esac
            ;;
        run) words="--log-level --poll --help" ;;
        service) words="install uninstall status --help" ;;
        "service install"|"service uninstall"|"service status") words="--dry-run --help" ;;
        statusline) words="install --help" ;;
        "statusline install") words="--dry-run --force --help" ;;
        budget) words="status --help" ;;
        "budget status") words="--json --no-scan --at --help" ;;
        prices) words="update --json --help" ;;
        "prices update") words="--from --timeout --help" ;;
        import)
            # import FORMAT FILE (or import folder DIR): a path once the format is there.
            if ((operands == 0)); then
                words="cursor-csv folder --json --help"
            else
                COMPREPLY=($(compgen -f -- "$cur"))
                return
            fi
            ;;
        config) words="init show check keys --help" ;;
        "config init") words="--force --help" ;;
        "config keys") words="--markdown --help" ;;
        "config show"|"config check") words="--help" ;;
        serve) words="token --listen --ingest --store --open --import-dir --tls-cert --tls-key --allow-plain-http --help" ;;
        "serve token") words="add list revoke --help" ;;
        "serve token add") words="--user --role --help" ;;
        "serve token list") words="--json --help" ;;
        "serve token revoke") words="--help" ;;
        *) words="--help" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}

complete -F _usage_agent usage-agent
