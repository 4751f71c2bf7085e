/**
 * A failed example fetch (`ExampleLoad`'s error state) as an alert: the message, capitalised,
 * followed by what the place that asked for the example says to do about it.
 */
import type { ReactNode } from "react";

export function ExampleError({
  name,
  message,
  children,
}: {
  name: string;
  message: string;
  children: ReactNode;
}) {
  return (
    <p className="run-warning bad example-error" role="alert" data-example-error={name}>
      {message.charAt(0).toUpperCase() + message.slice(1)}
      {children}
    </p>
  );
}
