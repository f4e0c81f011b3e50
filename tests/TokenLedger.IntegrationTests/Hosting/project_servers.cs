using System.Diagnostics;
using Shouldly;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>The servers ops/ starts share two cores; they are set up for that (docs/operations.md, "The host").</summary>
public sealed class project_servers
{
    [FactWhenTheBrokerIsOurs]
    public async Task the_project_rabbitmq_runs_one_erlang_scheduler_beside_postgresql_and_the_service()
    {
        var (exitCode, output, errors) = await BashAsync("source ops/lib.sh; tl_rabbit - rabbitmqctl eval 'erlang:system_info(schedulers_online).'");

        exitCode.ShouldBe(0, errors);
        output.ShouldBe("1");
    }

    [FactWhenTheBrokerIsOurs]
    public async Task the_project_rabbitmq_schedulers_sleep_instead_of_spinning_when_idle()
    {
        var (exitCode, output, errors) = await BashAsync("source ops/lib.sh; _tl_rabbit_find_pid && tr '\\0' ' ' < /proc/$TL_RABBIT_PID/cmdline");

        exitCode.ShouldBe(0, errors);
        output.ShouldContain("-sbwt none");
        output.ShouldContain("-sbwtdcpu none");
        output.ShouldContain("-sbwtdio none");
    }

    [FactWhenTheBrokerIsOurs]
    public async Task the_project_rabbitmq_declares_classic_queues_with_the_version_2_index_and_store()
    {
        var (exitCode, output, errors) = await BashAsync("source ops/lib.sh; tl_rabbit - rabbitmqctl eval 'application:get_env(rabbit, classic_queue_default_version).'");

        exitCode.ShouldBe(0, errors);
        output.ShouldBe("{ok,2}");
    }

    [FactWhenThePostgreSqlIsOurs]
    public async Task the_project_postgresql_compresses_large_events_with_lz4()
    {
        var (exitCode, output, errors) = await BashAsync("source ops/lib.sh; _tl_pg_sql 'show default_toast_compression'");

        exitCode.ShouldBe(0, errors);
        output.ShouldBe("lz4");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> BashAsync(string script)
    {
        var info = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList = { "-c", script },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = (await process.StandardOutput.ReadToEndAsync()).Trim();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output, errors);
    }
}

/// <summary>
/// A fact about the RabbitMQ that ops/ starts and configures (state in TOKENLEDGER_STATE_DIR, default &lt;repo&gt;/.tokenledger,
/// port TOKENLEDGER_RABBITMQ_PORT, default 55672). Decided at discovery: when the tests were given another broker (not
/// ours to tune), the test is reported as skipped with the reason, not passed.
/// </summary>
public sealed class FactWhenTheBrokerIsOursAttribute : FactAttribute
{
    public FactWhenTheBrokerIsOursAttribute()
    {
        if (NotOurs() is { } reason) Skip = reason;
    }

    private static string? NotOurs()
    {
        var state = Environment.GetEnvironmentVariable("TOKENLEDGER_STATE_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Repository.Root, ".tokenledger");
        var config = Path.Combine(state, "rabbitmq", "rabbitmq.conf");
        var port = Environment.GetEnvironmentVariable("TOKENLEDGER_RABBITMQ_PORT") is { Length: > 0 } p ? p : "55672";
        var broker = Environment.GetEnvironmentVariable("TOKENLEDGER_RABBITMQ");
        if (!File.Exists(config)) return $"the RabbitMQ under test was not started by ops/ (no {config})";
        if (broker is null || !broker.Contains($":{port}/", StringComparison.Ordinal))
            return $"TOKENLEDGER_RABBITMQ ({broker ?? "unset"}) is not the project broker on port {port}";
        return null;
    }
}

/// <summary>
/// A fact about the PostgreSQL that ops/ starts and configures (its data directory under TOKENLEDGER_STATE_DIR, port
/// TOKENLEDGER_PG_PORT, default 55432). Skipped with the reason when the tests were given another server.
/// </summary>
public sealed class FactWhenThePostgreSqlIsOursAttribute : FactAttribute
{
    public FactWhenThePostgreSqlIsOursAttribute()
    {
        if (NotOurs() is { } reason) Skip = reason;
    }

    private static string? NotOurs()
    {
        var state = Environment.GetEnvironmentVariable("TOKENLEDGER_STATE_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Repository.Root, ".tokenledger");
        var pid = Path.Combine(state, "pg", "data", "postmaster.pid");
        var port = Environment.GetEnvironmentVariable("TOKENLEDGER_PG_PORT") is { Length: > 0 } p ? p : "55432";
        var postgres = Environment.GetEnvironmentVariable("TOKENLEDGER_POSTGRES");
        if (!File.Exists(pid)) return $"the PostgreSQL under test was not started by ops/ (no {pid})";
        if (postgres is null || !postgres.Contains($"Port={port}", StringComparison.OrdinalIgnoreCase))
            return $"TOKENLEDGER_POSTGRES is not the project server on port {port}";
        return null;
    }
}
