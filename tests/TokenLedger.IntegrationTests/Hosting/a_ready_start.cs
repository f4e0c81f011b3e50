using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Shouldly;
using TokenLedger.Api.Hosting;
using TokenLedger.Infrastructure;
using TokenLedger.IntegrationTests.Fixtures;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace TokenLedger.IntegrationTests.Hosting;

/// <summary>
/// Issue 25, item 4 (ready in under 2 s once built): what a restart on a set-up database no longer does, and that a
/// build whose schema changed still gets it applied.
/// </summary>
public sealed class a_ready_start
{
    private const string Probe = "startup_probe";

    [Fact]
    public async Task a_stamped_schema_is_not_compared_again_and_a_changed_one_is_applied()
    {
        await using var servers = await TestServers.StartAsync();

        // 1. A fresh database: the whole schema is created, and its fingerprint stamped.
        await using (var first = await LedgerHost.StartAsync(servers)) { }
        (await StampsAsync(servers)).ShouldBe(1);
        (await ProbeExistsAsync(servers)).ShouldBeFalse();

        // 2. A build whose schema has one more table: another fingerprint, so the schema is compared and the table created.
        await using (var changed = await LedgerHost.StartAsync(servers, services: WithProbeTable)) { }
        (await ProbeExistsAsync(servers)).ShouldBeTrue("a changed schema must still be applied at start-up");
        (await StampsAsync(servers)).ShouldBe(2);

        // 3. The same build again, after the table was dropped by hand: the stamp matches, so nothing is compared and the
        //    table stays missing (this is what "trusted" means, and the proof that the comparison was skipped).
        await ExecuteAsync(servers, $"drop table {LedgerSchema.Name}.{Probe}");
        await using (var again = await LedgerHost.StartAsync(servers, services: WithProbeTable)) { }
        (await ProbeExistsAsync(servers)).ShouldBeFalse("a stamped schema is not compared with the database");

        // 4. TokenLedger:Schema:AlwaysCompare compares the whole schema, as every start did before, and repairs it.
        var always = new Dictionary<string, string> { ["TokenLedger:Schema:AlwaysCompare"] = "true" };
        await using (var compared = await LedgerHost.StartAsync(servers, always, services: WithProbeTable)) { }
        (await ProbeExistsAsync(servers)).ShouldBeTrue();
    }

    [Fact]
    public void the_data_protection_key_ring_is_not_loaded_at_start()
    {
        // The hosted service that loads it is internal to ASP.NET Core: if it is renamed, this fails instead of the
        // service silently paying for the key ring again.
        typeof(DataProtectionOptions).Assembly.GetType(DataProtectionAtStart.WarmUpService).ShouldNotBeNull();

        var services = new ServiceCollection();
        services.AddAuthentication();
        services.ShouldContain(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType!.FullName == DataProtectionAtStart.WarmUpService);
        services.SkipKeyRingWarmUp();
        services.ShouldNotContain(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType!.FullName == DataProtectionAtStart.WarmUpService);
        services.ShouldContain(d => d.ServiceType == typeof(IDataProtectionProvider), "Data Protection itself stays available");
    }

    private static void WithProbeTable(IServiceCollection services) => services.ConfigureMarten(opts =>
    {
        var table = new Table(new PostgresqlObjectName(LedgerSchema.Name, Probe, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<int>("id").AsPrimaryKey();
        opts.Storage.ExtendedSchemaObjects.Add(table);
    });

    private static async Task<long> StampsAsync(TestServers servers) =>
        (long)(await ScalarAsync(servers, "select count(*) from public.weasel_schema_fingerprints"))!;

    private static async Task<bool> ProbeExistsAsync(TestServers servers) =>
        await ScalarAsync(servers, $"select to_regclass('{LedgerSchema.Name}.{Probe}')::text") is string;

    private static async Task<object?> ScalarAsync(TestServers servers, string sql)
    {
        await using var connection = new NpgsqlConnection(servers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(TestServers servers, string sql)
    {
        await using var connection = new NpgsqlConnection(servers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
