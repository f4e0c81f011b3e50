using System.Diagnostics;
using Shouldly;
using TokenLedger.Testing;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// Issue 25, item 4: Release builds run Wolverine's handler adapters from src/TokenLedger.Api/Internal/Generated
/// (TypeLoadMode.Static, <c>GeneratedCode</c>) and find the handlers only through the registry written there, so a
/// handler added, removed or changed without regenerating would be missing or wrong. This runs <c>codegen write</c> of the
/// built service into an empty folder (it builds the host without starting it: nothing connects) and compares what it
/// writes with the committed files.
/// </summary>
public sealed class pre_generated_code(ITestOutputHelper output)
{
    private const string Refresh = "the committed handler adapters are stale: run ops/codegen and commit src/TokenLedger.Api/Internal/Generated";

    [Fact]
    public async Task the_committed_handler_adapters_are_what_codegen_write_produces()
    {
        var scratch = Directory.CreateTempSubdirectory("tokenledger-codegen-");
        try
        {
            await CodegenWriteAsync(scratch.FullName);
            var fresh = Files(Path.Combine(scratch.FullName, "Internal", "Generated"));
            var committed = Files(Path.Combine(Repository.Root, "src", "TokenLedger.Api", "Internal", "Generated"));
            fresh.Keys.ShouldContain("WolverineHandlers/GeneratedHandlerRegistry.cs");

            var stale = fresh.Keys.Union(committed.Keys).Order(StringComparer.Ordinal)
                .Select(file => (file, fresh.GetValueOrDefault(file), committed.GetValueOrDefault(file)) switch
                {
                    (var f, _, null) => $"{f}: missing from the committed files",
                    (var f, null, _) => $"{f}: committed, but codegen write no longer writes it",
                    (var f, var now, var then) when now != then => $"{f}: differs from what codegen write writes",
                    _ => null,
                })
                .OfType<string>().ToList();
            foreach (var line in stale) output.WriteLine(line);
            stale.ShouldBeEmpty(Refresh);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>Runs <c>dotnet TokenLedger.Api.dll codegen write</c> in <paramref name="folder"/> (its content root, where it writes Internal/Generated).</summary>
    private async Task CodegenWriteAsync(string folder)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<configuration>/net10.0
        var dll = Path.Combine(Repository.Root, "src", "TokenLedger.Api", "bin", configuration, "net10.0", "TokenLedger.Api.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "codegen", "write"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder,
        };
        // Required settings; codegen only builds the host, so nothing listens on these.
        info.Environment["TOKENLEDGER_POSTGRES"] = "Host=127.0.0.1;Port=1;Database=codegen";
        info.Environment["TOKENLEDGER_RABBITMQ"] = "amqp://127.0.0.1:1/";
        using var codegen = Process.Start(info)!;
        var stdout = codegen.StandardOutput.ReadToEndAsync();
        var stderr = codegen.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await codegen.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        codegen.ExitCode.ShouldBe(0, $"codegen write failed: {await stderr}");
    }

    /// <summary>Every file under <paramref name="root"/>, by its path relative to it (with '/'), with its text.</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .ToDictionary(p => Path.GetRelativePath(root, p).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText)
            : [];
}
