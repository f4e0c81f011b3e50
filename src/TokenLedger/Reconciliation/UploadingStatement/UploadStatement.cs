using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NodaTime;
using TokenLedger.Access;
using TokenLedger.Distributors;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;

namespace TokenLedger.Reconciliation.UploadingStatement;

/// <summary>
/// Upload an upstream provider's usage statement (multipart field <c>file</c>, CSV) for one month and reconcile it. The
/// same file with the same settings is the same report (its id is derived from them), so a retried upload returns it.
/// </summary>
public static class UploadStatement
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const string DefaultZone = "Asia/Shanghai";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/distributors/{distributorId}/reconciliations", Handle).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .Produces<ReconciliationReport>(StatusCodes.Status201Created).WithTags("Reconciliation")
            .WithSummary("Upload an upstream statement CSV (field file; period, provider, timeZone, moneyTolerance, relativeTolerancePercent, tokenTolerance) and reconcile it against the ledger");

    public static async Task<IResult> Handle(string distributorId, HttpRequest request, ClaimsPrincipal user, IDocumentSession session,
        ReconciliationRuns runs, IClock clock, CancellationToken ct)
    {
        if (!user.MayActForDistributor(distributorId) || await session.LoadAsync<Distributor>(DistributorStreams.For(distributorId), ct) is null)
            return Problems.NotFound($"Distributor '{distributorId}' was not found");
        if (!request.HasFormContentType) return Problems.BadRequest("file", "send the statement as multipart/form-data with a field named file");
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) return Problems.BadRequest("file", "the multipart field file (the statement CSV) is missing or empty");
        if (file.Length > MaxBytes) return Problems.BadRequest("file", $"the statement is {file.Length} bytes; at most {MaxBytes} are accepted");

        var settings = Settings(form, out var problems);
        if (problems.Count > 0) return Results.ValidationProblem(problems);
        var bytes = new byte[file.Length];
        await using (var content = file.OpenReadStream()) await content.ReadExactlyAsync(bytes, ct);
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { return Problems.BadRequest("file", "the statement is not valid UTF-8 text"); }
        var (rows, errors) = StatementCsv.Parse(text);
        if (errors.Count > 0) return Results.ValidationProblem(new Dictionary<string, string[]> { ["file"] = errors.ToArray() });

        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var reportId = "rec-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{distributorId}|{settings.Period}|{settings.Provider}|{settings.Zone}|{settings.Tolerances}|{sha}")))[..20];
        var stream = ReconciliationStreams.For(reportId);
        if (await session.LoadAsync<ReconciliationReport>(stream, ct) is { } existing) return Results.Ok(existing);

        var now = clock.GetCurrentInstant();
        var upload = new UpstreamStatementUploaded(reportId, distributorId, settings.Provider, settings.Period, settings.Zone, "csv", file.FileName, sha,
            rows, settings.Tolerances, now, user.KeyId());
        var reported = await runs.RunAsync(upload, 1, now, user.KeyId(), ct);
        session.Events.StartStream(stream, upload, reported);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is JasperFx.Events.ExistingStreamIdCollisionException || e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            // The same upload raced with itself: the one that landed is the report.
        }
        await using var query = session.DocumentStore.QuerySession();
        var report = await query.LoadAsync<ReconciliationReport>(stream, ct);
        return Results.Created($"/api/distributors/{distributorId}/reconciliations/{reportId}", report);
    }

    /// <summary>The largest tolerances a statement upload accepts (documented in the README's limits).</summary>
    public const long MaxTokenTolerance = 1_000_000_000_000;

    public const decimal MaxMoneyTolerance = 1_000_000_000m;

    private sealed record UploadSettings(string Period, string? Provider, string Zone, Tolerances Tolerances);

    private static UploadSettings Settings(IFormCollection form, out Dictionary<string, string[]> problems)
    {
        var found = new Dictionary<string, string[]>();
        string? Text(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;
        decimal Number(string name, decimal fallback, decimal max, bool whole = false)
        {
            if (Text(name) is not { } raw) return fallback;
            if (decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && n <= max && (!whole || n == decimal.Truncate(n)))
                return n;
            found[name] = [whole
                ? $"{name} must be a whole number from 0 to {max.ToString("N0", CultureInfo.InvariantCulture)}"
                : $"{name} must be a number from 0 to {max.ToString("N0", CultureInfo.InvariantCulture)}, such as 0.01"];
            return fallback;
        }
        var period = Text("period");
        if (!PeriodSpan.TryParse(period, out var span) || span.Cadence != Cadences.Monthly) found["period"] = ["period must be a month such as 2026-06"];
        var provider = Text("provider");
        if (provider is not null && !LedgerIds.IsValid(provider)) found["provider"] = [LedgerIds.Rule("provider")];
        var zone = Text("timeZone") ?? DefaultZone;
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null) found["timeZone"] = [$"timeZone '{zone}' is not an IANA time zone such as Asia/Shanghai"];
        var tolerances = new Tolerances(Number("moneyTolerance", 0.01m, MaxMoneyTolerance), Number("relativeTolerancePercent", 0m, 100m),
            (long)Number("tokenTolerance", 0m, MaxTokenTolerance, whole: true));
        problems = found;
        return new UploadSettings(period ?? "", provider, zone, tolerances);
    }
}
