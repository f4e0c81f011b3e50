namespace TokenLedger.Bench.Infrastructure;

public static class HttpCalls
{
    /// <summary>Awaits a set-up call and fails the phase with the method, URL, status and body when it did not succeed.</summary>
    public static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
