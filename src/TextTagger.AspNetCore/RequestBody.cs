using Microsoft.AspNetCore.Http;

namespace TextTagger.Server;

static class RequestBody
{
    /// <summary>Copies the body to <paramref name="destination"/>; false when it is larger than
    /// <paramref name="limit"/> (checked against Content-Length first, then as read, then against the server's own
    /// limit).</summary>
    public static async Task<bool> CopyAsync(HttpRequest request, Stream destination, long limit, CancellationToken cancellation)
    {
        if (request.ContentLength > limit) return false;
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellation)) > 0)
            {
                if ((total += read) > limit) return false;
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }
        return true;
    }
}
