using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>
/// Real PostgreSQL and RabbitMQ for the tests: the servers named by TOKENLEDGER_POSTGRES and TOKENLEDGER_RABBITMQ
/// (ops/test starts project-owned ones), or Testcontainers where a Docker engine answers. Each test run gets its
/// own database and, when the management API is known, its own virtual host, both removed afterwards.
/// </summary>
public sealed class TestServers : IAsyncDisposable
{
    private readonly NpgsqlConnectionStringBuilder _admin;
    private readonly string? _managementUrl;
    private readonly IAsyncDisposable[] _containers;

    public string Postgres { get; }
    public string RabbitMq { get; }
    public string DatabaseName { get; }
    public string? VirtualHost { get; }

    private TestServers(string postgres, string rabbitMq, string? managementUrl, IAsyncDisposable[] containers)
    {
        _admin = new NpgsqlConnectionStringBuilder(postgres);
        _managementUrl = managementUrl;
        _containers = containers;
        var suffix = $"{Guid.NewGuid():N}"[..20];
        DatabaseName = $"tokenledger_test_{suffix}";
        Postgres = new NpgsqlConnectionStringBuilder(postgres) { Database = DatabaseName, MaxPoolSize = 40 }.ConnectionString;
        VirtualHost = managementUrl is null ? null : $"tl-test-{suffix}";
        RabbitMq = VirtualHost is null ? rabbitMq : new UriBuilder(rabbitMq) { Path = "/" + VirtualHost }.Uri.ToString();
    }

    public static async Task<TestServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("TOKENLEDGER_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("TOKENLEDGER_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("TOKENLEDGER_RABBITMQ_MANAGEMENT");
        var servers = postgres is not null && rabbit is not null
            ? new TestServers(postgres, rabbit, management, [])
            : await FromContainersAsync();
        await servers.CreateDatabaseAsync();
        await servers.CreateVirtualHostAsync();
        return servers;
    }

    private static async Task<TestServers> FromContainersAsync()
    {
        try
        {
            var pg = new PostgreSqlBuilder("postgres:15").Build();
            var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").Build();
            await Task.WhenAll(pg.StartAsync(), rabbit.StartAsync());
            return new TestServers(pg.GetConnectionString(), rabbit.GetConnectionString(), null, [pg, rabbit]);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "No test servers: set TOKENLEDGER_POSTGRES and TOKENLEDGER_RABBITMQ (ops/test does this after starting " +
                "project-owned servers), or run where a Docker engine answers for Testcontainers.", e);
        }
    }

    private async Task CreateDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task CreateVirtualHostAsync()
    {
        if (VirtualHost is null) return;
        using var http = ManagementClient();
        (await http.PutAsync($"api/vhosts/{VirtualHost}", null)).EnsureSuccessStatusCode();
        var user = new Uri(RabbitMq).UserInfo.Split(':')[0];
        (await http.PutAsJsonAsync($"api/permissions/{VirtualHost}/{Uri.EscapeDataString(user)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }

    private async Task DropDatabaseAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_admin.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\"", connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                // Background work of a just-stopped host (or autovacuum) may still hold the database for a moment.
                await Task.Delay(500);
            }
        }
    }

    public HttpClient ManagementClient()
    {
        var uri = new Uri(_managementUrl!);
        var http = new HttpClient { BaseAddress = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/") };
        var credentials = Uri.UnescapeDataString(uri.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await DropDatabaseAsync();
        if (VirtualHost is not null)
        {
            using var http = ManagementClient();
            await http.DeleteAsync($"api/vhosts/{VirtualHost}");
        }
        foreach (var container in _containers) await container.DisposeAsync();
    }
}
