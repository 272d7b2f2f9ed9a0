package dev.reprise.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code summary.ai.md}: the same {@link ComparisonFacts} as the template summary, sent to an
 * OpenAI-compatible chat completions endpoint ({@code POST …/v1/chat/completions}, a system and a
 * user message, the facts as JSON in the user message, temperature 0), the first choice's message
 * written as the file. Optional and best effort: a timeout, a refusal, an unreadable answer is
 * returned as one warning line and nothing is written; the template {@code summary.md} never
 * depends on it. Runs on the caller's thread; one request per call.
 */
public final class ModelSummary {
  public static final String FILE = "summary.ai.md";
  static final String SYSTEM_PROMPT = "You write the summary of a fault-injection experiment for the engineers who ran it:"
      + " a baseline run without faults and a failure run with faults, compared. Use only the facts given (JSON); do not"
      + " invent figures. In plain language and Markdown, under 250 words: what was done, how throughput and errors"
      + " changed, how long each fault took to recover from, whether data was lost (say when it is not known), and the"
      + " verdict against the budgets.";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Where and how to ask.
   *
   * @param endpoint the chat completions URL, or its base ({@code http://host:port} or {@code …/v1})
   * @param apiKey sent as {@code Authorization: Bearer KEY}; null: no header
   * @param model the model name sent
   * @param timeout for connecting and for the whole answer
   */
  public record Settings(URI endpoint, String apiKey, String model, Duration timeout) {
    /** The chat completions URL of {@link #endpoint}. */
    public URI completionsUrl() {
      String s = endpoint.toString();
      if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
      if (s.endsWith("/chat/completions")) return URI.create(s);
      if (s.endsWith("/v1")) return URI.create(s + "/chat/completions");
      return URI.create(s + "/v1/chat/completions");
    }
  }

  private final Settings settings;

  public ModelSummary(Settings settings) {
    this.settings = settings;
  }

  /** The request body for {@code facts}. */
  String requestBody(ComparisonFacts facts) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", settings.model());
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
    messages.addObject().put("role", "user").put("content", "Facts (JSON):\n"
        + JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts.toMap()));
    body.put("temperature", 0);
    return JSON.writeValueAsString(body);
  }

  /**
   * Asks for the summary and writes it as {@code dir/summary.ai.md}.
   *
   * @return the file, or a warning (one line) saying why there is none
   */
  public Result write(ComparisonFacts facts, Path dir) {
    URI url = settings.completionsUrl();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
      HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(settings.timeout())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(requestBody(facts), StandardCharsets.UTF_8));
      if (settings.apiKey() != null && !settings.apiKey().isBlank()) req.header("Authorization", "Bearer " + settings.apiKey());
      HttpResponse<String> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (resp.statusCode() / 100 != 2) {
        return Result.warning("model summary: " + url + " answered HTTP " + resp.statusCode() + "; only " + SummaryText.FILE + " is written");
      }
      JsonNode content = JSON.readTree(resp.body()).path("choices").path(0).path("message").path("content");
      if (!content.isTextual() || content.asText().isBlank()) {
        return Result.warning("model summary: " + url + " answered without choices[0].message.content; only " + SummaryText.FILE + " is written");
      }
      Path file = dir.resolve(FILE);
      String text = content.asText().strip() + "\n";
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return new Result(Optional.of(file), Optional.empty());
    } catch (HttpTimeoutException e) {
      return Result.warning("model summary: no answer from " + url + " within " + settings.timeout().toSeconds() + " s; only "
          + SummaryText.FILE + " is written");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Result.warning("model summary: interrupted; only " + SummaryText.FILE + " is written");
    } catch (IOException | RuntimeException e) {
      return Result.warning("model summary: asking " + url + " failed (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); only " + SummaryText.FILE + " is written");
    }
  }

  /** The file written, or the warning. */
  public record Result(Optional<Path> file, Optional<String> warning) {
    static Result warning(String w) {
      return new Result(Optional.empty(), Optional.of(w.replace('\n', ' ')));
    }
  }
}
