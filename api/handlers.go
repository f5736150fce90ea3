package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/lacralo/ralo/service"
)

// The handlers of the route tables: bind → call the service with the
// request's context, the caller and the path's :id → respond. A route
// that does more (a second path parameter, a query, a non-JSON answer)
// keeps its own handler in its process's file.

// operation is a service operation on the object the path's :id names.
type operation[Req, Out any] func(ctx context.Context, a *service.Actor, id string, req Req) (Out, error)

// lookup is a service read of the object the path's :id names.
type lookup[Out any] func(ctx context.Context, a *service.Actor, id string) (Out, error)

// body says how a handler reads its JSON body. Unknown fields are always
// refused.
type body struct {
	optional bool     // an empty body is the zero request
	reserved []string // fields refused even where the request type has them
}

var (
	strictBody   = body{}
	optionalBody = body{optional: true}
)

func (b body) bind(c echo.Context, v any) error {
	if b.optional && c.Request().ContentLength == 0 {
		return nil
	}
	return bind(c, v, b.reserved...)
}

// handle is the one handler of an operation: bind the body as in says,
// call op, answer status and, when location is set, name in Location what
// the call created.
func handle[Req, Out any](in body, op operation[Req, Out], status int, location func(Out) string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var req Req
		if err := in.bind(c, &req); err != nil {
			return err
		}
		out, err := op(c.Request().Context(), caller(c), c.Param("id"), req)
		if err != nil {
			return err
		}
		if location != nil {
			c.Response().Header().Set(echo.HeaderLocation, location(out))
		}
		return c.JSON(status, out)
	}
}

// onObject is an operation with a required body, answered with status.
func onObject[Req, Out any](op operation[Req, Out], status int) echo.HandlerFunc {
	return handle(strictBody, op, status, nil)
}

// transition is an operation whose body may be empty, answered 200.
func transition[Req, Out any](op operation[Req, Out]) echo.HandlerFunc {
	return handle(optionalBody, op, http.StatusOK, nil)
}

// create is an operation no path ID names, with a required body,
// answered 201 (and Location when location is set).
func create[Req, Out any](op func(ctx context.Context, a *service.Actor, req Req) (Out, error), location func(Out) string) echo.HandlerFunc {
	return handle(strictBody, withoutID(op), http.StatusCreated, location)
}

// read answers status with what op reads; it reads no body.
func read[Out any](op lookup[Out], status int) echo.HandlerFunc {
	return func(c echo.Context) error {
		out, err := op(c.Request().Context(), caller(c), c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(status, out)
	}
}

// list answers 200 with what op lists, at most ?limit= entries.
func list[Out any](op func(ctx context.Context, a *service.Actor, limit int) (Out, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		limit, _ := strconv.Atoi(c.QueryParam("limit"))
		out, err := op(c.Request().Context(), caller(c), limit)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, out)
	}
}

// remove answers 204 once op has removed the object; it reads no body.
func remove(op func(ctx context.Context, a *service.Actor, id string) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := op(c.Request().Context(), caller(c), c.Param("id")); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// withoutBody adapts an operation that takes no fields; the handler still
// refuses a body with any field.
func withoutBody[Out any](op lookup[Out]) operation[struct{}, Out] {
	return func(ctx context.Context, a *service.Actor, id string, _ struct{}) (Out, error) {
		return op(ctx, a, id)
	}
}

// withoutID adapts an operation that no path ID names.
func withoutID[Req, Out any](op func(ctx context.Context, a *service.Actor, req Req) (Out, error)) operation[Req, Out] {
	return func(ctx context.Context, a *service.Actor, _ string, req Req) (Out, error) {
		return op(ctx, a, req)
	}
}

// ofAll adapts a read that no path ID names.
func ofAll[Out any](op func(ctx context.Context, a *service.Actor) (Out, error)) lookup[Out] {
	return func(ctx context.Context, a *service.Actor, _ string) (Out, error) {
		return op(ctx, a)
	}
}

// byID adapts a read that does not depend on the caller.
func byID[Out any](op func(ctx context.Context, id string) (Out, error)) lookup[Out] {
	return func(ctx context.Context, _ *service.Actor, id string) (Out, error) {
		return op(ctx, id)
	}
}

// everyone adapts a read of no one object that does not depend on the
// caller.
func everyone[Out any](op func(ctx context.Context) (Out, error)) lookup[Out] {
	return func(ctx context.Context, _ *service.Actor, _ string) (Out, error) {
		return op(ctx)
	}
}
