using System.Diagnostics;
using System.Text.Json;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Testing;
using Xunit.Abstractions;

namespace TokenLedger.IntegrationTests.Bridge;

/// <summary>
/// ops/bridge-new-api against a real new-api database (the logs table new-api's GORM model creates, see
/// <see cref="NewApiDatabase.LogsTable"/>) on the test PostgreSQL, publishing to the running ledger over the test RabbitMQ.
/// The tests that take a <see cref="NewApiSource"/> run the same body on MySQL too (MariaDB, <see cref="NewApiMySqlDatabase.LogsTable"/>).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class bridging_new_api(LedgerFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tl-bridge-").FullName;

    /// <summary>The restart is given new-api's own SQL_DSN (on MySQL, the Go driver's DSN rather than a URL).</summary>
    [Theory]
    [InlineData(NewApiSource.PostgreSql)]
    [InlineData(NewApiSource.MySql)]
    public async Task killed_in_the_middle_and_started_again_it_records_every_consumption_row_exactly_once(NewApiSource source)
    {
        await using var newApi = await CreateAsync(source);
        var prefix = Prefix(source, "kill");
        var (acme, globex, users) = Users(prefix);
        var dave = users[^1];
        var first = Epoch.UtcNow.AddHours(-3).ToUnixTimeSeconds();
        var rows = NewApiTraffic.Make(20_000, first, users);
        var lastId = await newApi.InsertAsync(rows.Select(r => r.Log).ToList());
        var map = WriteMapping(acme, globex, users, unmapped: null);
        var state = Path.Combine(_folder, "state.json");
        string[] args = ["--db", newApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", $"it-{prefix}", "--state", state, "--map", map,
            "--fetch", "400", "--batch", "200"];

        long watermarkAtKill;
        using (var run = BridgeProcess.Start(output, args))
        {
            watermarkAtKill = await WatermarkMovedAsync(run, state);
            run.Crash();
            await run.ExitAsync(TimeSpan.FromSeconds(30));
        }
        output.WriteLine($"killed at watermark {watermarkAtKill} of {lastId}");
        watermarkAtKill.ShouldBeGreaterThan(0);
        watermarkAtKill.ShouldBeLessThan(lastId, "the kill must land in the middle of the run");
        var persisted = Watermark(state); // the file is whole after a SIGKILL, and may be ahead of what was seen
        persisted.ShouldBeGreaterThanOrEqualTo(watermarkAtKill);

        // The restart reads and publishes in the default, larger steps: the ids, not the batching, make the re-sends harmless.
        string[] restart = [.. args[..^4]];
        restart[1] = newApi.SqlDsn;
        using (var again = BridgeProcess.Start(output, restart))
        {
            var (exitCode, summary) = await again.ExitAsync(TimeSpan.FromMinutes(5));
            exitCode.ShouldBe(0);
            summary!.Value.GetProperty("outcome").GetString().ShouldBe("done");
            summary.Value.GetProperty("startedAtWatermark").GetInt64().ShouldBe(persisted);
            summary.Value.GetProperty("watermark").GetInt64().ShouldBe(lastId);
            summary.Value.GetProperty("skipped").GetInt32().ShouldBe(0);
        }
        Watermark(state).ShouldBe(lastId);

        var from = DateTimeOffset.FromUnixTimeSeconds(first).AddMinutes(-1);
        var to = Epoch.UtcNow.AddMinutes(1);
        string? TenantOf(NewApiUser u) => u.Name is "alice" or "bob" ? acme : u.Group == "vip" ? globex : u.Name;
        foreach (var tenant in new[] { acme, globex, dave.Name })
        {
            var expected = NewApiTraffic.Totals(rows, TenantOf, tenant);
            expected.Sum(m => m.Events).ShouldBeGreaterThan(1000);
            var report = await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, from, to, expected);
            report.Models.ShouldBe(expected, $"usage of {tenant}");
        }

        // Reading the whole table again (a lost state file, started from id 0) re-sends every event with the same ids:
        // once the queue has drained, no total has moved.
        using (var replay = BridgeProcess.Start(output, "--db", newApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", $"it-{prefix}",
                   "--state", Path.Combine(_folder, "lost-state.json"), "--map", map, "--quiet"))
        {
            var (exitCode, summary) = await replay.ExitAsync(TimeSpan.FromMinutes(5));
            exitCode.ShouldBe(0);
            summary!.Value.GetProperty("eventsPublished").GetInt32().ShouldBe(rows.Count(r => r.Log.Type == 2));
        }
        await Eventually.Until(() => fixture.Broker.MessageCountAsync("tokenledger.usage.v1"), n => n == 0, TimeSpan.FromMinutes(2), "the usage queue to drain");
        await Task.Delay(1000);
        foreach (var tenant in new[] { acme, globex, dave.Name })
            (await UsageSamples.QueryAsync(fixture.Operator, tenant, from, to)).Models.ShouldBe(NewApiTraffic.Totals(rows, TenantOf, tenant), $"usage of {tenant} after the replay");
    }

    [Fact]
    public async Task a_one_api_table_without_other_and_group_is_read_with_no_cache_and_the_username_as_tenant()
    {
        var (_, _, users) = Users("oneapi");
        users = users.Select(u => u with { Name = LedgerFixture.NewTenantId(u.Name) }).ToList();
        await using var oneApi = await NewApiDatabase.CreateAsync(fixture.Servers.Postgres, NewApiDatabase.OneApiLogsTable);
        var first = Epoch.UtcNow.AddMinutes(-40).ToUnixTimeSeconds();
        var random = new Random(9);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var user = users[random.Next(users.Count)];
            var log = new NewApiLog(i % 20 == 19 ? 1 : 2, first + i, user.Id, user.Name, user.TokenName, 0, "", i % 2 == 0 ? "gpt-4o-mini" : "glm-4.6",
                random.Next(1, 9_000), random.Next(0, 3_000), null);
            return new NewApiTraffic.Row(log, user, log.PromptTokens, 0, 0, log.CompletionTokens);
        }).ToList();
        var lastId = await oneApi.InsertOneApiAsync(rows.Select(r => r.Log).ToList());
        var state = Path.Combine(_folder, "state.json");
        string[] args = ["--db", oneApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", "it-oneapi", "--state", state];

        using (var byGroup = BridgeProcess.Start(output, [.. args, "--tenant-from", "group"]))
            (await byGroup.ExitAsync(TimeSpan.FromMinutes(1))).ExitCode.ShouldBe(2, "one-api has no group column to take tenants from");
        var groupRule = Path.Combine(_folder, "group-rule.json");
        File.WriteAllText(groupRule, """{"rules":[{"group":"vip","tenant":"x"}]}""");
        using (var byGroupRule = BridgeProcess.Start(output, [.. args, "--map", groupRule]))
            (await byGroupRule.ExitAsync(TimeSpan.FromMinutes(1))).ExitCode.ShouldBe(2, "a rule on a column one-api lacks would never match");
        using (var run = BridgeProcess.Start(output, args))
        {
            var (exitCode, summary) = await run.ExitAsync(TimeSpan.FromMinutes(2));
            exitCode.ShouldBe(0);
            summary!.Value.GetProperty("watermark").GetInt64().ShouldBe(lastId);
        }
        var from = DateTimeOffset.FromUnixTimeSeconds(first).AddMinutes(-1);
        var to = Epoch.UtcNow.AddMinutes(1);
        foreach (var user in users)
        {
            var expected = NewApiTraffic.Totals(rows, u => u.Name, user.Name);
            (await UsageSamples.EventuallyEqualAsync(fixture.Operator, user.Name, from, to, expected)).Models.ShouldBe(expected);
        }
    }

    [Fact]
    public async Task in_follow_mode_it_publishes_rows_as_new_api_writes_them_skips_an_unmapped_user_and_stops_on_sigterm()
    {
        var (acme, globex, users) = Users("follow");
        var dave = users[^1];
        await using var newApi = await NewApiDatabase.CreateAsync(fixture.Servers.Postgres);
        var first = Epoch.UtcNow.AddMinutes(-30).ToUnixTimeSeconds();
        var all = NewApiTraffic.Make(600, first, users, seed: 11);
        var half = all.Count / 2;
        var map = WriteMapping(acme, globex, users, unmapped: "skip");
        var state = Path.Combine(_folder, "state.json");
        string? TenantOf(NewApiUser u) => u.Name is "alice" or "bob" ? acme : u.Group == "vip" ? globex : null;
        var from = DateTimeOffset.FromUnixTimeSeconds(first).AddMinutes(-1);
        var to = Epoch.UtcNow.AddMinutes(1);

        using var run = BridgeProcess.Start(output, "--db", newApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", "it-follow",
            "--state", state, "--map", map, "--follow", "--interval", "1");
        await newApi.InsertAsync(all.Take(half).Select(r => r.Log).ToList());
        var expected = NewApiTraffic.Totals(all.Take(half), TenantOf, acme);
        (await UsageSamples.EventuallyEqualAsync(fixture.Operator, acme, from, to, expected)).Models.ShouldBe(expected);

        var lastId = await newApi.InsertAsync(all.Skip(half).Select(r => r.Log).ToList());
        foreach (var tenant in new[] { acme, globex })
        {
            expected = NewApiTraffic.Totals(all, TenantOf, tenant);
            (await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, from, to, expected)).Models.ShouldBe(expected);
        }
        await Eventually.Until(() => Task.FromResult(Watermark(state)), w => w == lastId, what: "the watermark to reach the last row");

        await run.TerminateAsync();
        var (exitCode, summary) = await run.ExitAsync(TimeSpan.FromSeconds(30));
        exitCode.ShouldBe(0);
        summary!.Value.GetProperty("outcome").GetString().ShouldBe("stopped");
        var daveRows = all.Count(r => r.Log.Type == 2 && r.User == dave);
        daveRows.ShouldBeGreaterThan(0);
        summary.Value.GetProperty("skipped").GetInt32().ShouldBe(daveRows);
        summary.Value.GetProperty("notConsumption").GetInt32().ShouldBe(all.Count(r => r.Log.Type != 2));
        (await UsageSamples.QueryAsync(fixture.Operator, dave.Name, from, to)).Models.ShouldBeEmpty();
    }

    [Fact]
    public async Task with_unmapped_stop_it_halts_before_the_first_unmapped_row_and_resumes_there_once_a_rule_exists()
    {
        var (acme, globex, users) = Users("stop");
        var dave = users[^1];
        await using var newApi = await NewApiDatabase.CreateAsync(fixture.Servers.Postgres);
        var first = Epoch.UtcNow.AddMinutes(-30).ToUnixTimeSeconds();
        var rows = NewApiTraffic.Make(300, first, users, seed: 5);
        var lastId = await newApi.InsertAsync(rows.Select(r => r.Log).ToList());
        var firstDave = rows.FindIndex(r => r.Log.Type == 2 && r.User == dave) + 1; // ids start at 1, in insert order
        var state = Path.Combine(_folder, "state.json");
        string[] Args(string map) => ["--db", newApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", "it-stop", "--state", state, "--map", map];

        using (var run = BridgeProcess.Start(output, Args(WriteMapping(acme, globex, users, unmapped: "stop"))))
        {
            var (exitCode, summary) = await run.ExitAsync(TimeSpan.FromMinutes(2));
            exitCode.ShouldBe(3);
            summary!.Value.GetProperty("watermark").GetInt64().ShouldBe(firstDave - 1);
        }
        var daveTenant = LedgerFixture.NewTenantId("dave");
        var withDave = Path.Combine(_folder, "with-dave.json");
        File.WriteAllText(withDave, JsonSerializer.Serialize(new
        {
            rules = new object[] { new { username = "alice", tenant = acme }, new { username = "bob", tenant = acme }, new { group = "vip", tenant = globex },
                new { userId = dave.Id, tenant = daveTenant } },
            unmapped = "stop",
        }));
        using (var again = BridgeProcess.Start(output, Args(withDave)))
        {
            var (exitCode, summary) = await again.ExitAsync(TimeSpan.FromMinutes(2));
            exitCode.ShouldBe(0);
            summary!.Value.GetProperty("watermark").GetInt64().ShouldBe(lastId);
        }
        var from = DateTimeOffset.FromUnixTimeSeconds(first).AddMinutes(-1);
        var to = Epoch.UtcNow.AddMinutes(1);
        string? TenantOf(NewApiUser u) => u.Name is "alice" or "bob" ? acme : u.Group == "vip" ? globex : daveTenant;
        foreach (var tenant in new[] { acme, daveTenant })
        {
            var expected = NewApiTraffic.Totals(rows, TenantOf, tenant);
            (await UsageSamples.EventuallyEqualAsync(fixture.Operator, tenant, from, to, expected)).Models.ShouldBe(expected);
        }
    }

    /// <summary>PostgreSQL takes the id from the sequence at the insert, InnoDB its AUTO_INCREMENT; either way the row is visible only at its commit.</summary>
    [Theory]
    [InlineData(NewApiSource.PostgreSql)]
    [InlineData(NewApiSource.MySql)]
    public async Task a_row_whose_insert_commits_after_later_rows_is_not_passed_over(NewApiSource source)
    {
        var prefix = Prefix(source, "gap");
        var (acme, globex, users) = Users(prefix);
        await using var newApi = await CreateAsync(source);
        var now = Epoch.UtcNow.ToUnixTimeSeconds();
        var rows = NewApiTraffic.Make(60, now - 20, users, seed: 3);
        var map = WriteMapping(acme, globex, users, unmapped: null);
        var state = Path.Combine(_folder, "state.json");

        // new-api's insert of the first row has taken its id but not committed yet.
        await using var late = await newApi.BeginInsertAsync(rows[0].Log);
        late.Id.ShouldBe(1);
        var lastId = await newApi.InsertAsync(rows.Skip(1).Select(r => r.Log).ToList());
        lastId.ShouldBe(rows.Count);

        using var run = BridgeProcess.Start(output, "--db", newApi.Url, "--amqp", fixture.Servers.RabbitMq, "--source", $"it-{prefix}",
            "--state", state, "--map", map, "--follow", "--interval", "1", "--gap-wait", "120");
        await Task.Delay(TimeSpan.FromSeconds(4));
        Watermark(state).ShouldBe(0, "rows after an uncommitted id must wait for it");

        await late.CommitAsync();
        await Eventually.Until(() => Task.FromResult(Watermark(state)), w => w == lastId, what: "the watermark to pass the late row");
        var from = DateTimeOffset.FromUnixTimeSeconds(now - 60);
        var to = Epoch.UtcNow.AddMinutes(1);
        string? TenantOf(NewApiUser u) => u.Name is "alice" or "bob" ? acme : u.Group == "vip" ? globex : u.Name;
        var expected = NewApiTraffic.Totals(rows, TenantOf, TenantOf(rows[0].User)!);
        (await UsageSamples.EventuallyEqualAsync(fixture.Operator, TenantOf(rows[0].User)!, from, to, expected)).Models.ShouldBe(expected);
        await run.TerminateAsync();
        (await run.ExitAsync(TimeSpan.FromSeconds(30))).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task the_bridges_pure_rules_pass_their_node_tests()
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--test");
        info.ArgumentList.Add("ops/bridge/");
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();
        output.WriteLine(await stdout + await stderr);
        node.ExitCode.ShouldBe(0);
        (await stdout).ShouldContain("# fail 0");
    }

    /// <summary>A new-api database of its own on <paramref name="source"/>: the test PostgreSQL, or MariaDB (ops/mariadb up).</summary>
    private async Task<INewApiDatabase> CreateAsync(NewApiSource source) => source switch
    {
        NewApiSource.PostgreSql => await NewApiDatabase.CreateAsync(fixture.Servers.Postgres),
        NewApiSource.MySql => await NewApiMySqlDatabase.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    /// <summary>The name's own tenants and bridge --source per database ("kill", "mkill"), so the two runs share no event id.</summary>
    private static string Prefix(NewApiSource source, string name) => source == NewApiSource.MySql ? $"m{name}" : name;

    /// <summary>alice and bob map to one tenant by username, carol and erin to another by group, dave to nothing.</summary>
    private static (string Acme, string Globex, List<NewApiUser> Users) Users(string prefix)
    {
        var acme = LedgerFixture.NewTenantId($"na-{prefix}");
        var globex = LedgerFixture.NewTenantId($"nb-{prefix}");
        List<NewApiUser> users =
        [
            new(1, "alice", "default", "alice-prod"), new(2, "bob", "default", "bob-key"), new(3, "carol", "vip", "carol-key"),
            new(4, "erin", "vip", "erin-key"), new(5, LedgerFixture.NewTenantId("dave"), "default", "dave-key"),
        ];
        return (acme, globex, users);
    }

    private string WriteMapping(string acme, string globex, List<NewApiUser> users, string? unmapped)
    {
        var path = Path.Combine(_folder, "map.json");
        object file = unmapped is null
            ? new { rules = Rules() }
            : new { rules = Rules(), unmapped };
        File.WriteAllText(path, JsonSerializer.Serialize(file));
        return path;

        object[] Rules() => [new { username = "alice", tenant = acme }, new { username = "bob", tenant = acme }, new { group = "vip", tenant = globex }];
    }

    private static long Watermark(string state)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(state));
            return doc.RootElement.GetProperty("watermark").GetInt64();
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>Polls the state file until the watermark has moved once (the first batch was confirmed).</summary>
    private static async Task<long> WatermarkMovedAsync(BridgeProcess run, string state)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (run.HasExited) throw new InvalidOperationException("the bridge ended before its watermark moved");
            var watermark = Watermark(state);
            if (watermark > 0) return watermark;
            await Task.Delay(5);
        }
        throw new TimeoutException("the watermark did not move within 2 minutes");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
