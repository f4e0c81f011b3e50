using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using NodaTime;

namespace TokenLedger.Webhooks.Delivering;

/// <summary>
/// Sends one signed attempt. No redirects are followed (a 3xx counts as a failure), no cookies are kept, and the address
/// actually connected to is checked against <see cref="WebhookOptions.AllowPrivateAddresses"/> (a DNS name cannot
/// smuggle a private address past the check made when the URL was subscribed).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly IClock _clock;
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly int _maxInFlight;

    public WebhookSender(IOptions<WebhookOptions> options, IClock clock)
    {
        var settings = options.Value;
        _clock = clock;
        _maxInFlight = Math.Max(1, settings.MaxInFlightPerEndpoint);
        var allowPrivate = settings.AllowPrivateAddresses;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                var allowed = addresses.Where(a => allowPrivate || !WebhookUrls.IsPrivate(a)).ToArray();
                if (allowed.Length == 0)
                    throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to private addresses, which this service does not call (TokenLedger:Webhooks:AllowPrivateAddresses is off)");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { Timeout = settings.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("TokenLedger-Webhooks/1");
    }

    /// <summary>Takes one of the endpoint's in-flight slots; false when all are taken (the attempt waits, the queue moves on).</summary>
    public bool TryEnter(string webhookId)
    {
        var now = _inFlight.AddOrUpdate(webhookId, 1, (_, n) => n + 1);
        if (now <= _maxInFlight) return true;
        Leave(webhookId);
        return false;
    }

    public void Leave(string webhookId) => _inFlight.AddOrUpdate(webhookId, 0, (_, n) => Math.Max(0, n - 1));

    public async Task<WebhookAttempt> SendAsync(string url, WebhookDelivery delivery, IReadOnlyList<string> secrets, bool replay, CancellationToken ct)
    {
        var at = _clock.GetCurrentInstant();
        var timestamp = at.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", delivery.DeliveryId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", StandardWebhookSignature.Header(secrets, delivery.DeliveryId, timestamp, delivery.Body));
        var watch = Stopwatch.StartNew();
        var number = delivery.Attempts.Count + 1;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var code = (int)response.StatusCode;
            return new WebhookAttempt(number, at, code, code is >= 200 and < 300 ? null : $"HTTP {code} {response.ReasonPhrase}", watch.ElapsedMilliseconds, replay);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException or IOException && !ct.IsCancellationRequested)
        {
            var reason = e is TaskCanceledException ? $"no answer within {_http.Timeout.TotalSeconds:0.#} s" : Innermost(e);
            return new WebhookAttempt(number, at, null, reason.Length > 300 ? reason[..300] : reason, watch.ElapsedMilliseconds, replay);
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e.Message;
    }

    public void Dispose() => _http.Dispose();
}
