using System.Net.Http.Json;
using System.Text;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Reconciliation;

/// <summary>Helpers for reconciliation tests: a distributor buying at an upstream price book, and statement uploads.</summary>
public static class ReconciliationScenario
{
    /// <summary>
    /// A new distributor (its id starts with <paramref name="prefix"/>) whose wholesale book prices each of
    /// <paramref name="models"/> at 2 per million input tokens, 0.2 cached, 2 cache write and 8 output.
    /// </summary>
    public static async Task<string> DistributorAsync(LedgerFixture fixture, string prefix, params string[] models)
    {
        var book = LedgerFixture.NewTenantId("upstream");
        (await fixture.Operator.PutAsJsonAsync($"/api/price-books/{book}", new
        {
            currency = "CNY", effectiveFrom = Epoch.LongAgo,
            prices = models.Select(model => new { model, inputPerMillion = "2", cachedInputPerMillion = "0.2", cacheWritePerMillion = "2", outputPerMillion = "8" }).ToArray(),
        })).EnsureSuccessStatusCode();
        var distributor = LedgerFixture.NewTenantId(prefix);
        (await fixture.Operator.PutAsJsonAsync($"/api/distributors/{distributor}", new { name = "Reseller", wholesalePriceBookId = book })).EnsureSuccessStatusCode();
        return distributor;
    }

    /// <summary>Uploads <paramref name="csv"/> as the file <paramref name="fileName"/>, the statement of <paramref name="period"/>, with any further form <paramref name="fields"/>.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(
        HttpClient client, string distributor, string csv, string fileName, string period, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", fileName);
        form.Add(new StringContent(period), "period");
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return await client.PostAsync($"/api/distributors/{distributor}/reconciliations", form);
    }
}
