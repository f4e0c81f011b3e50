using System.Diagnostics;
using Shouldly;
using TokenLedger.Testing;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>The servers ops/ starts share two cores; they are set up for that (docs/operations.md, "The host").</summary>
public sealed class project_servers
{
    /// <summary>Prints "external" when the tests were given a RabbitMQ that ops/ did not start (not ours to tune).</summary>
    private const string SchedulersOfOurBroker =
        "source ops/lib.sh; " +
        "if [[ ! -f $TL_RABBIT_DIR/rabbitmq.conf || $TOKENLEDGER_RABBITMQ != *\":$TL_RABBIT_PORT/\"* ]]; then echo external; exit 0; fi; " +
        "tl_rabbit - rabbitmqctl eval 'erlang:system_info(schedulers_online).'";

    [Fact]
    public async Task the_project_rabbitmq_runs_one_erlang_scheduler_beside_postgresql_and_the_service()
    {
        var info = new ProcessStartInfo("/bin/bash")
        {
            ArgumentList = { "-c", SchedulersOfOurBroker },
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = (await process.StandardOutput.ReadToEndAsync()).Trim();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.ShouldBe(0, errors);
        if (output == "external") return;
        output.ShouldBe("1");
    }
}
