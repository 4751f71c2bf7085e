import { Component, type ReactNode } from "react";
import { ErrorBox } from "./error-box.tsx";

/** Catches rendering bugs so one broken view never blanks the page. */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    const shown = { kind: "internal", message: error.message, internal: true };
    return <ErrorBox error={error.stack === undefined ? shown : { ...shown, stack: error.stack }} />;
  }
}
